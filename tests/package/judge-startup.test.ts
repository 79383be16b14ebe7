/**
 * What the built CLI loads to judge (issue 21): a one-row `rulers judge` over the direct OpenAI
 * path reads the bundle, checks the answer and writes the record without the provider SDK, zod,
 * ajv or the parser generator, and its command arrives as a handful of files (one bundle per
 * command, scripts/bundle-dist.mjs), not the ~120 modules tsc writes. Checked by what the
 * module-load hook sees (tests/helpers/module-log.mjs), not by timing: the CPU figures are in
 * bench/executor-cpu.bench.ts. A failing call still loads the SDK, for its error classes.
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
const dir = mkdtempSync(join(tmpdir(), "rulers-startup-"));
const bundle = join(root, "bundles/asap.persuasive-essay/1.0.0/bundle.json");
let server: FakeOpenAI;

beforeAll(async () => {
  requireBuiltCli();
  server = await startFakeOpenAI((r) =>
    r.body?.model === "fails"
      ? { status: 400, body: { error: { message: "no such model" } } }
      : { json: answerFor(r.body) },
  );
  writeFileSync(
    join(dir, "rows.jsonl"),
    `${readFileSync(join(root, "examples/asap-essay.jsonl"), "utf8").split("\n")[0]}\n`,
  );
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function judge(model: string): Promise<{ code: number; stderr: string }> {
  const out = join(dir, `${model}.jsonl`);
  const args = ["--import", "./tests/helpers/module-log.mjs", "bin/rulers.js", "judge", "--bundle", bundle];
  args.push("--input", join(dir, "rows.jsonl"), "--out", out, "--model", model, "--base-url", server.baseURL);
  args.push("--max-retries", "0", "--progress", "never");
  return new Promise((res) =>
    execFile(process.execPath, args, { cwd: root, env: { ...process.env, OPENAI_API_KEY: "k" } }, (err, _o, stderr) =>
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    ),
  );
}

const packagesIn = (stderr: string) =>
  new Set([...stderr.matchAll(/^@module .*?node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]!));
const HEAVY = ["openai", "@anthropic-ai/sdk", "@google/genai", "zod", "ajv", "chevrotain"];

describe("a one-row rulers judge from the built CLI", () => {
  it("loads no provider SDK, schema library or parser generator, and few of its own files", async () => {
    const r = await judge("m");
    expect(r.code).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, "m.jsonl"), "utf8").split("\n")[0]!);
    expect(typeof record.raw_score).toBe("number");
    expect(HEAVY.filter((p) => packagesIn(r.stderr).has(p))).toEqual([]);
    const own = r.stderr.split("\n").filter((l) => l.startsWith("@module ") && l.includes("/dist/"));
    expect(own.length).toBeGreaterThan(2);
    expect(own.length).toBeLessThanOrEqual(15);
  }, 60_000);

  it("loads the SDK when a call fails, and says what the server said", async () => {
    const r = await judge("fails");
    expect(packagesIn(r.stderr).has("openai")).toBe(true);
    const record = JSON.parse(readFileSync(join(dir, "fails.jsonl"), "utf8").split("\n")[0]!);
    expect(record.error).toMatch(/refused the request \(400: no such model\)/);
  }, 60_000);
});
