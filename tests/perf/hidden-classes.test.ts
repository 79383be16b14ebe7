/**
 * Judging a row must not make new hidden classes (V8 maps). On Node 20 an object literal that
 * starts with a spread and adds properties (`{ ...base, more }`) builds a map and descriptor
 * array per evaluation; records made that way cost about 11 maps a row, which made property
 * access megamorphic and kept each row's objects alive into old space (GC went from 6% to 10%
 * of a 20,000-row run; src/util/extend.ts). Counted with V8's own map log (`--log-maps`) from
 * the built CLI, as the difference between a longer and a shorter run of the same rows, so the
 * start-up's maps cancel out. No timing is asserted.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../helpers/built.js";
import { type FakeOpenAI, startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "rulers-maps-"));
let server: FakeOpenAI;

beforeAll(async () => {
  requireBuiltCli();
  server = await startFakeOpenAI((r) => ({ json: answerFor(r.body) }));
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The example's rows repeated under fresh ids, `n` of them. */
function rowsFile(example: string, n: number): string {
  const rows = readFileSync(join(root, "examples", example), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const path = join(dir, `${example}-${n}.jsonl`);
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ ...rows[i % rows.length], id: `row-${i}` }));
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** Map events V8 logged while `rulers judge` judged `n` rows. */
function mapEvents(bundle: string, example: string, n: number): Promise<number> {
  const log = join(dir, `${bundle}-${n}.log`);
  const args = ["--log-maps", `--logfile=${log}`, "--no-logfile-per-isolate", "bin/rulers.js", "judge"];
  args.push("--bundle", join(root, "bundles", bundle, "1.0.0/bundle.json"), "--input", rowsFile(example, n));
  args.push("--out", join(dir, `${bundle}-${n}.run.jsonl`), "--model", "m", "--base-url", server.baseURL);
  args.push("--progress", "never", "--concurrency", "4");
  return new Promise((res, rej) =>
    execFile(process.execPath, args, { cwd: root, env: { ...process.env, OPENAI_API_KEY: "k" } }, (err, _o, stderr) => {
      if (err) return rej(new Error(`rulers judge failed: ${stderr}`));
      const records = readFileSync(join(dir, `${bundle}-${n}.run.jsonl`), "utf8")
        .split("\n")
        .filter(Boolean);
      if (records.length !== n || records.some((r) => JSON.parse(r).error !== undefined))
        return rej(new Error(`expected ${n} judged records: ${records.find((r) => JSON.parse(r).error)}`));
      const text = readFileSync(log, "utf8");
      res(text.split("\n").filter((l) => /^map,(Transition|Normalize|ReplaceDescriptors|CopyAs)/.test(l)).length);
    }),
  );
}

describe("hidden classes per judged row", () => {
  for (const [bundle, example] of [
    ["asap.persuasive-essay", "asap-essay.jsonl"],
    ["chat.helpfulness-pairwise", "pairwise-helpfulness.jsonl"],
    ["health.answer-quality", "health-answer.jsonl"],
  ] as const) {
    it(`${bundle}: no new maps per row`, async () => {
      const few = await mapEvents(bundle, example, 20);
      const many = await mapEvents(bundle, example, 120);
      // Before extend(), a pointwise row made about 11; what is left is warm-up noise.
      expect((many - few) / 100).toBeLessThan(1);
    }, 120_000);
  }
});
