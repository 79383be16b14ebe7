/**
 * One fuzz case per call, for every surface where outside data enters rulers (issue 13): bundle
 * JSON, rubric source, rows, labels and judge answers. Each case returns how the input was
 * handled, `accepted` or `rejected` (with a message), and throws `FuzzFailure` for what must
 * never happen: a crash (any exception other than the surface's own error), or a silent
 * acceptance (input taken while meaning something other than what was checked). The suite runs a
 * few hundred cases per surface (tests/hostile/surfaces.fuzz.test.ts); `npm run fuzz` runs
 * 100,000 each and counts outcomes (scripts/fuzz.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle } from "../../src/bundle/build.js";
import { BundleError, bundleIntact, parseBundle, serializeBundle } from "../../src/bundle/file.js";
import { DataError, readLabels } from "../../src/calibrate/data.js";
import { compileSource } from "../../src/compile/index.js";
import { compileItems } from "../../src/compile/items.js";
import { checkAnswer, requestSchema } from "../../src/judge/answer.js";
import { runCheck } from "../../src/score/checks.js";
import { parseRubric, printRubric } from "../../src/syntax/index.js";
import { parseJsonl } from "../../src/util/jsonl.js";
import { mutateSource, TOKENS_OF_THE_LANGUAGE } from "./mutate.js";

export type Outcome = "accepted" | "rejected";

export class FuzzFailure extends Error {
  constructor(
    readonly kind: "crash" | "silent-acceptance",
    message: string,
    readonly input: string,
  ) {
    super(`${kind}: ${message}`);
    this.name = "FuzzFailure";
  }
}

/** A small seeded generator, so any failing case can be replayed from its seed. */
export class Rand {
  constructor(private s: number) {
    this.s = s >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const NASTY_STRINGS = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "",
  " ",
  "\u0000",
  "\u001b[2J",
  "\ud800",
  "\udc00x",
  "\u202e",
  "{{inputs}}",
  "{{boundary}}",
  "DATA x>>>",
  "a".repeat(300),
  "1e400",
  "-0",
  "NaN",
  "é",
  "😀",
  '"',
  "\\",
  "\r\n",
];
const NASTY_NUMBERS = [
  "1e400",
  "-1e400",
  "1e-400",
  "-0",
  "0.1",
  "9007199254740993",
  "1E+2",
  "00",
  "01",
  "-",
  "1.",
  ".5",
];

function randomString(r: Rand): string {
  if (r.next() < 0.5) return r.pick(NASTY_STRINGS);
  return Array.from({ length: r.int(12) }, () =>
    String.fromCharCode(r.next() < 0.8 ? 32 + r.int(95) : r.int(0x3000)),
  ).join("");
}

function randomJson(r: Rand, depth = 0): string {
  const k = r.int(depth > 3 ? 4 : 7);
  switch (k) {
    case 0:
      return JSON.stringify(randomString(r));
    case 1:
      return r.next() < 0.5 ? String(r.int(1000) - 500) : r.pick(NASTY_NUMBERS);
    case 2:
      return r.pick(["true", "false", "null"]);
    case 3:
      return JSON.stringify(r.next() * 10);
    case 4:
    case 5: {
      const n = r.int(4);
      const keys = Array.from({ length: n }, () => JSON.stringify(randomString(r)));
      if (n && r.next() < 0.2) keys.push(keys[0]!);
      return `{${keys.map((key) => `${key}:${randomJson(r, depth + 1)}`).join(",")}}`;
    }
    default:
      return `[${Array.from({ length: r.int(4) }, () => randomJson(r, depth + 1)).join(",")}]`;
  }
}

// ---------------------------------------------------------------- bundle JSON

const exampleBundle = (() => {
  const r = compileSource(readFileSync("examples/health-answer.rubric", "utf8"), "examples/health-answer.rubric");
  if (!r.ir) throw new Error("examples/health-answer.rubric does not compile");
  return buildBundle(r.ir);
})();
const bundleText = serializeBundle(exampleBundle);

function mutateBundle(r: Rand): string {
  let t = bundleText;
  for (let n = 1 + r.int(3); n > 0; n--) {
    const at = r.int(t.length);
    switch (r.int(7)) {
      case 0: // a character changed
        t = t.slice(0, at) + r.pick([...'{}[]":,0123456789e-+.\\ a_\u0000\ufeff']) + t.slice(at + 1);
        break;
      case 1: {
        // a key repeated in the object it belongs to
        const m = /"([a-z_]+)": /g;
        const keys = [...t.matchAll(m)];
        const k = r.pick(keys);
        t = `${t.slice(0, k.index)}"${k[1]}": ${randomJson(r)}, ${t.slice(k.index)}`;
        break;
      }
      case 2: {
        // a prototype key slipped into some object
        const opens = [...t.matchAll(/\{/g)];
        const o = r.pick(opens).index! + 1;
        t = `${t.slice(0, o)}"${r.pick(["__proto__", "\\u005f_proto__", "constructor"])}": ${randomJson(r)},${t.slice(o)}`;
        break;
      }
      case 3: // a number made extreme
        t = t.replace(/: (\d+(?:\.\d+)?)/, `: ${r.pick(NASTY_NUMBERS)}`);
        break;
      case 4: {
        // deep nesting
        const d = r.pick([10, 600, 20_000]);
        t = t.replace('"items": null', `"items": ${"[".repeat(d)}${"]".repeat(d)}`);
        break;
      }
      case 5: // a string's content replaced
        t = t.replace(/"title": "[^"]*"/, `"title": ${JSON.stringify(randomString(r))}`);
        break;
      default: // a span cut out
        t = t.slice(0, at) + t.slice(at + r.int(40));
    }
  }
  return t;
}

/**
 * Content as nested sorted pairs, built from own keys only: an oracle that shares no code with
 * the canonical writer, so a key that writer would drop still shows here.
 */
function content(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(content);
  return Object.entries(v)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, x]) => [k, content(x)]);
}
const bundleContent = JSON.stringify(content(exampleBundle.body));

export function bundleCase(r: Rand): Outcome {
  const text = mutateBundle(r);
  let parsed: ReturnType<typeof parseBundle>;
  try {
    parsed = parseBundle(text, "fuzz.json");
  } catch (err) {
    if (err instanceof BundleError) return "rejected";
    throw new FuzzFailure("crash", (err as Error).stack ?? String(err), text);
  }
  // Accepted: every other JSON reader must see the same content, and it must be the hashed one.
  let plain: string;
  try {
    plain = JSON.stringify(content(JSON.parse(text)));
  } catch (err) {
    throw new FuzzFailure("silent-acceptance", `JSON.parse disagrees: ${(err as Error).message}`, text);
  }
  if (plain !== JSON.stringify(content(parsed)))
    throw new FuzzFailure("silent-acceptance", "JSON.parse reads other content", text);
  if (bundleIntact(parsed) && JSON.stringify(content(parsed.body)) !== bundleContent)
    throw new FuzzFailure("silent-acceptance", "changed content passed its hash", text);
  return "accepted";
}

// ---------------------------------------------------------------- rubric source

const exampleSources = ["asap-essay", "health-answer", "health-per-item", "mt-bench-judge", "pairwise-helpfulness"].map(
  (n) => readFileSync(`examples/${n}.rubric`, "utf8"),
);
const noImports = () => {
  throw Object.assign(new Error("no imports while fuzzing"), { code: "ENOENT" });
};

function rubricText(r: Rand): string {
  switch (r.int(4)) {
    case 0:
      return Array.from({ length: r.int(300) }, () => String.fromCharCode(r.int(0x3000))).join("");
    case 1:
      return Array.from({ length: r.int(120) }, () => r.pick(TOKENS_OF_THE_LANGUAGE)).join(" ");
    case 2: {
      // hostile text dropped into a quoted string or a text block of an example
      const src = r.pick(exampleSources);
      const quote = src.indexOf('"', r.int(src.length));
      if (quote === -1) return src;
      const bad = r.pick(["\\d", "\\u12", "\\ud800", "\u001b[2J", "\\u0000", "{{inputs}}", "\\", "\u202e", "\\x41"]);
      return src.slice(0, quote + 1) + bad + src.slice(quote + 1);
    }
    default:
      return mutateSource(
        r.pick(exampleSources),
        Array.from({ length: 1 + r.int(8) }, () => r.int(2 ** 31)),
      );
  }
}

export function rubricCase(r: Rand): Outcome {
  const text = rubricText(r);
  try {
    const c = compileSource(text, "fuzz.rubric", { readImport: noImports });
    if (!c.ir) return "rejected";
    const hash = buildBundle(c.ir).hash;
    // fmt must never change meaning: print, write as UTF-8, read back, compile again.
    const printed = Buffer.from(printRubric(parseRubric(text, "fuzz.rubric").ast!), "utf8").toString("utf8");
    const again = compileSource(printed, "fuzz.rubric", { readImport: noImports });
    if (!again.ir || buildBundle(again.ir).hash !== hash)
      throw new FuzzFailure("silent-acceptance", "fmt changed the meaning (hash)", text);
    return "accepted";
  } catch (err) {
    if (err instanceof FuzzFailure) throw err;
    throw new FuzzFailure("crash", (err as Error).stack ?? String(err), text);
  }
}

// ---------------------------------------------------------------- rows

const perItemIr = (() => {
  const r = compileSource(readFileSync("examples/health-per-item.rubric", "utf8"), "health-per-item.rubric");
  if (!r.ir) throw new Error("examples/health-per-item.rubric does not compile");
  return r.ir;
})();
const checksIr = (() => {
  const src = `rubric f.checks version 1.0.0
input response "r", quotable
input other "o"
scale 1 to 5
check a response matches /^(a+)+$/ end
check b response is valid json matching """{"type":"object","properties":{"x":{"type":"string","pattern":"^(a|a)+$"}}}""" end
check c words of response between 1 and 50 end
check d response equals other as number within 0.5 end
check e response contains "x" ignoring case end
criterion q "Q"
  binary
end`;
  const r = compileSource(src, "checks.rubric");
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.ir;
})();
const exampleRows = readFileSync("examples/health-per-item.jsonl", "utf8").split("\n").filter(Boolean);

function rowLine(r: Rand): string {
  switch (r.int(4)) {
    case 0:
      return randomJson(r);
    case 1: {
      const row = JSON.parse(r.pick(exampleRows)) as Record<string, unknown>;
      row.id = randomString(r);
      if (r.next() < 0.5) row.id = r.pick([0, -1, 1e21, null, true, [], {}]);
      return JSON.stringify(row);
    }
    case 2: {
      const line = r.pick(exampleRows);
      const at = r.int(line.length);
      return line.slice(0, at) + r.pick([...'{}[]",:\\0']) + line.slice(at + 1);
    }
    default:
      return `{"id":${JSON.stringify(randomString(r))},"rubrics":${randomJson(r)}}`;
  }
}

export function rowsCase(r: Rand): Outcome {
  const lines = Array.from({ length: 1 + r.int(6) }, () => rowLine(r));
  const text = lines.join(r.next() < 0.8 ? "\n" : "\r\n");
  try {
    const { items, diagnostics } = compileItems(perItemIr, "rows.jsonl", text);
    for (const d of diagnostics)
      if (!/^row \d+: |holds no rows/.test(d.message))
        throw new FuzzFailure("crash", `a row problem without its row: ${d.message}`, text);
    parseJsonl(text);
    // Checks run on row values of any shape and never throw.
    for (const line of lines) {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        continue;
      }
      const row = (v !== null && typeof v === "object" ? v : { response: v }) as Record<string, unknown>;
      for (const c of checksIr.checks) runCheck(c, { response: row.response ?? row.id ?? line, other: row.other });
    }
    return diagnostics.length || !items ? "rejected" : "accepted";
  } catch (err) {
    if (err instanceof FuzzFailure) throw err;
    throw new FuzzFailure("crash", (err as Error).stack ?? String(err), text);
  }
}

// ---------------------------------------------------------------- labels

let labelDir: string | null = null;
export function cleanupFuzzFiles(): void {
  if (labelDir) rmSync(labelDir, { recursive: true, force: true });
  labelDir = null;
}

export function labelsCase(r: Rand): Outcome {
  labelDir ??= mkdtempSync(join(tmpdir(), "rulers-fuzz-labels-"));
  const csv = r.next() < 0.5;
  const n = 1 + r.int(5);
  const ids = Array.from({ length: n }, () => (r.next() < 0.6 ? `i${r.int(4)}` : randomString(r)));
  const labels = Array.from({ length: n }, () => (r.next() < 0.5 ? String(r.int(5)) : randomString(r)));
  const text = csv
    ? [r.next() < 0.9 ? "item_id,label" : randomString(r), ...ids.map((id, i) => `${id},${labels[i]}`)].join("\n")
    : ids
        .map((id, i) => (r.next() < 0.8 ? JSON.stringify({ item_id: id, label: labels[i] }) : randomJson(r)))
        .join("\n");
  const path = join(labelDir, csv ? "labels.csv" : "labels.jsonl");
  writeFileSync(path, text);
  try {
    const map = readLabels(path, { kind: "any" });
    for (const [k, v] of map) {
      if (typeof k !== "string" || (typeof v === "number" ? !Number.isFinite(v) : v.trim() === ""))
        throw new FuzzFailure("silent-acceptance", `label ${JSON.stringify(v)} for ${JSON.stringify(k)}`, text);
    }
    return "accepted";
  } catch (err) {
    if (err instanceof DataError) return "rejected";
    if (err instanceof FuzzFailure) throw err;
    throw new FuzzFailure("crash", (err as Error).stack ?? String(err), text);
  }
}

// ---------------------------------------------------------------- judge answers

const holisticSchema = requestSchema(exampleBundle.body.answer_schema, exampleBundle.body.rubric);
const criterionIds = exampleBundle.body.rubric.criteria.map((c) => c.id);

/** A judgment the schema accepts, built from the schema itself. */
function validJudgment(id: string): Record<string, unknown> {
  type Obj = { required: string[]; properties: Record<string, { enum?: unknown[]; type?: string; minimum?: number }> };
  const criteria = (holisticSchema as { properties: { criteria: { properties: Record<string, Obj> } } }).properties
    .criteria;
  const props = criteria.properties[id]!;
  const out: Record<string, unknown> = {};
  for (const k of props.required) {
    const p = props.properties[k]!;
    out[k] = k === "evidence" ? [] : p.enum ? p.enum[0] : p.type === "string" ? "ok" : (p.minimum ?? 0);
  }
  return out;
}

function answerText(r: Rand): string {
  const valid = { criteria: Object.fromEntries(criterionIds.map((id) => [id, validJudgment(id)])) };
  switch (r.int(4)) {
    case 0:
      return randomJson(r);
    case 1: {
      const t = JSON.stringify(valid);
      const at = r.int(t.length);
      return t.slice(0, at) + r.pick([...'{}[]",:0a']) + t.slice(at + r.int(3));
    }
    case 2:
      return JSON.stringify(valid).replace(/"criteria":\{/, `"criteria":{"${r.pick(NASTY_STRINGS)}":${randomJson(r)},`);
    default:
      return randomString(r);
  }
}

export function answerCase(r: Rand): Outcome {
  const text = answerText(r);
  try {
    const checked = checkAnswer(text, holisticSchema);
    if (!checked.ok) return "rejected";
    JSON.parse(text);
    for (const id of checked.answer.criteria.keys())
      if (!criterionIds.includes(id) && id !== "overall")
        throw new FuzzFailure("silent-acceptance", `answer for unknown criterion ${JSON.stringify(id)}`, text);
    return "accepted";
  } catch (err) {
    if (err instanceof FuzzFailure) throw err;
    throw new FuzzFailure("crash", (err as Error).stack ?? String(err), text);
  }
}

export const SURFACES = {
  "bundle JSON": bundleCase,
  "rubric source": rubricCase,
  rows: rowsCase,
  labels: labelsCase,
  "judge answers": answerCase,
} as const;
