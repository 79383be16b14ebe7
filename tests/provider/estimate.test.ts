import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, describe, expect, it } from "vitest";
import { tokenCounter } from "../../src/provider/index.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-estimate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BUNDLE = "bundles/health.answer-quality/1.0.0/bundle.json";
const INPUT = "examples/health-answer.jsonl";
const rows = readFileSync(INPUT, "utf8").trim().split("\n").length;

const estimate = async (args: string[]) => {
  const r = await runCli(["estimate", "--bundle", BUNDLE, "--input", INPUT, "--json", ...args]);
  return { ...r, json: r.stdout ? JSON.parse(r.stdout) : null };
};

describe("rulers estimate", () => {
  it("counts OpenAI prompts with the model's encoding and prices them, first attempts only", async () => {
    const r = await estimate(["--model", "gpt-4o-mini", "--samples", "2"]);
    expect(r.code, r.stderr).toBe(0);
    const m = r.json.models[0];
    expect(r.json).toMatchObject({ estimate: true, items: rows, calls: rows * 2, prices_date: "2026-12-01" });
    expect(m).toMatchObject({ model: "gpt-4o-mini", input_counted_with: "o200k_base", input_exact: true });
    // Every prompt holds the whole rubric: far more tokens than the rows alone.
    const rowTokens = countTokens(readFileSync(INPUT, "utf8"));
    expect(m.input_tokens).toBeGreaterThan(rowTokens * 2);
    // $0.15 / $0.60 per million for gpt-4o-mini; the batch price is half.
    expect(m.cost_usd).toBeCloseTo((m.input_tokens * 0.15 + m.output_tokens_estimate * 0.6) / 1e6, 8);
    expect(m.batch_cost_usd).toBeCloseTo(m.cost_usd / 2, 8);
    // Twice the samples, twice the tokens: the count is per call.
    const one = await estimate(["--model", "gpt-4o-mini", "--samples", "1"]);
    expect(one.json.models[0].input_tokens * 2).toBe(m.input_tokens);
  });

  it("labels counts for other providers as estimates, and a model without a price as unknown", async () => {
    const claude = await estimate(["--model", "claude-haiku-4-5"]);
    expect(claude.json.models[0]).toMatchObject({
      input_exact: false,
      input_counted_with: expect.stringMatching(/^estimate/),
    });
    expect(claude.json.models[0].cost_usd).toBeGreaterThan(0);
    const unknown = await estimate(["--model", "my-local-model"]);
    expect(unknown.code).toBe(0);
    expect(unknown.json.cost_usd).toBeNull();
    expect(unknown.stderr).toMatch(/no price for model `my-local-model`.*--prices/);
    const prices = join(dir, "p.json");
    writeFileSync(
      prices,
      JSON.stringify({ date: "2026-02-02", prices: [{ model: "my-local-model", input: 0, output: 0 }] }),
    );
    const free = await estimate(["--model", "my-local-model", "--prices", prices]);
    expect(free.json).toMatchObject({ cost_usd: 0, prices_date: "2026-02-02" });
  });

  it("says what is wrong with a prices file", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ date: "x", prices: [{ model: "m", input: -1, output: 1 }] }));
    const r = await estimate(["--model", "gpt-4o", "--prices", bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.json: price 1, field `input`/);
  });

  it("uses the exact encodings", async () => {
    expect((await tokenCounter("gpt-4o", "openai")).count("hello world")).toBe(2);
    expect((await tokenCounter("gpt-4-0613", "openai")).method).toBe("cl100k_base");
    expect((await tokenCounter("gpt-5", "anthropic")).exact).toBe(false);
  });
});
