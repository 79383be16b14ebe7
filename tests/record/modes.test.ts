/**
 * Every way of judging writes records the contract describes: each mode's records, written by
 * `rulers judge` against a local fake judge, parse with the zod schema and validate against the
 * published JSON Schema, and use no field the schema does not name (checked with every object
 * in the schema closed), so a field a writer adds without documenting it fails here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LineRecord, readRecords } from "../../src/record/index.js";
import { compileRubric, runCli } from "../helpers/cli.js";
import { type FakeServer, startFakeOpenAI } from "../helpers/fake-openai.js";
import { judgeArgv } from "../helpers/judge-cli.js";
import { validJudge } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-record-modes-"));
const published = JSON.parse(readFileSync("grammar/run-record.schema.json", "utf8"));

/** The schema with every object that lists its properties closed to any other. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === "properties" ? mapValues(v, closed) : closed(v);
  if ("properties" in out && !("additionalProperties" in out)) out.additionalProperties = false;
  return out;
}
const mapValues = (o: object, f: (v: unknown) => unknown) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validatePublished = ajv.compile(published);
const validateClosed = ajv.compile({ ...(closed(published) as object), $id: "closed" });

const prices = join(dir, "prices.json");
writeFileSync(prices, JSON.stringify({ date: "2026-01-01", prices: [{ model: "judge-x", input: 2.5, output: 10 }] }));
const priced = ["--model", "judge-x", "--prices", prices];

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI(validJudge());
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function judge(bundle: string, input: string, extra: string[]): Promise<LineRecord[]> {
  const out = join(dir, `run-${++n}.jsonl`);
  const r = await runCli(
    judgeArgv({ bundle, input, out, model: null, baseURL: server.baseURL }, [
      "--samples",
      "1",
      "--limit",
      "2",
      "--max-retries",
      "0",
      ...extra,
    ]),
  );
  expect(r.code, r.stderr).toBe(0);
  // readRecords checks every line with the zod schema and throws with file:line on the first bad one.
  const records = readRecords(out);
  expect(records).toHaveLength(2);
  for (const { raw, line } of records) {
    expect(validatePublished(raw), `line ${line}: ${ajv.errorsText(validatePublished.errors)}`).toBe(true);
    expect(validateClosed(raw), `line ${line}: ${ajv.errorsText(validateClosed.errors)}`).toBe(true);
  }
  return records;
}

const compile = (name: string, source: string) => compileRubric(dir, name, source);

describe("records of every mode satisfy the run-record contract", () => {
  it("checks itself: the closed schema refuses a field the contract does not name", () => {
    const record = {
      item_id: "a",
      line: 1,
      bundle: { id: "r", version: "1.0.0", hash: `sha256:${"ab".repeat(32)}` },
      raw_score: 1,
      flags: [],
    };
    expect(validateClosed(record)).toBe(true);
    expect(validateClosed({ ...record, surprise: 1 })).toBe(false);
    expect(validateClosed({ ...record, bundle: { ...record.bundle, extra: true } })).toBe(false);
  });

  it("pointwise, with cost", async () => {
    const records = await judge(
      "bundles/health.answer-quality/1.0.0/bundle.json",
      "examples/health-answer.jsonl",
      priced,
    );
    for (const { record } of records) {
      expect(typeof record.raw_score).toBe("number");
      // 2.5 / 10 USD per million tokens.
      const u = record.usage!;
      expect(record.cost_usd).toBeCloseTo((u.prompt_tokens * 2.5 + u.completion_tokens * 10) / 1e6, 8);
      // A local server is taken for an OpenAI-compatible one.
      expect(record.judge).toMatchObject({ provider: "openai-compatible", format: "json_schema", temperature: 0 });
    }
  });

  it("pairwise in both orders, each order kept", async () => {
    const records = await judge(
      "bundles/chat.helpfulness-pairwise/1.0.0/bundle.json",
      "examples/pairwise-helpfulness.jsonl",
      priced,
    );
    for (const { record } of records) {
      expect(record.preferred).toMatch(/^(A|B|tie)$/);
      expect(record.preference!.orders.map((o) => o.order)).toEqual(["AB", "BA"]);
      expect(record.position).toBeDefined();
      expect(record.cost_usd).toBeGreaterThan(0);
    }
  });

  it("per-item criteria, keyed by their own ids", async () => {
    const records = await judge("bundles/health.per-item/1.0.0/bundle.json", "examples/health-per-item.jsonl", priced);
    const rows = readFileSync("examples/health-per-item.jsonl", "utf8").trim().split("\n").slice(0, 2);
    for (const [i, { record }] of records.entries()) {
      const row = JSON.parse(rows[i]!) as { rubrics: unknown[] };
      expect(record.criteria).toHaveLength(row.rubrics.length);
    }
  });

  it("each criterion separately, with a reasoning override and no temperature sent", async () => {
    const bundle = await compile(
      "each",
      `rubric t.each version 1.0.0
input question "The question"
input response "The answer", quotable
scale 0 to 1 step 0.5
judge
  each criterion separately
end
criterion accurate "Accurate"
  binary
  "The answer is factually correct."
end
criterion polite "Polite"
  binary
  "The answer is courteous."
end
aggregate weighted mean
`,
    );
    const rows = join(dir, "each-rows.jsonl");
    writeFileSync(
      rows,
      [
        { id: "a", question: "2+2?", response: "It is four, happy to help." },
        { id: "b", question: "Capital of France?", response: "Paris, of course." },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    const before = server.requests.length;
    const records = await judge(bundle, rows, ["--model", "o4-mini", "--reasoning-effort", "low"]);
    expect(server.requests.length - before).toBe(4); // one call per criterion per row
    for (const { record } of records) {
      expect(record.criteria!.map((c) => c.id)).toEqual(["accurate", "polite"]);
      expect(record.judge).toMatchObject({
        temperature: null,
        reasoning_effort: "low",
        overrides: { reasoning_effort: "low" },
      });
      // o4-mini is in the shipped price list: both calls are in the record's cost.
      expect(record.cost_usd).toBeGreaterThan(0);
    }
  });
});
