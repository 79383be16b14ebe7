import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { startFakeAnthropic, startFakeGemini } from "../helpers/fake-providers.js";
import { judgeArgv, readJsonl } from "../helpers/judge-cli.js";
import { answerFor, validJudge } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-providers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BUNDLE = "bundles/health.answer-quality/1.0.0/bundle.json";
const INPUT = "examples/health-answer.jsonl";
let n = 0;

/** The request as the OpenAI-dialect scripted judge reads it, from an Anthropic or Gemini body. */
const asOpenAI = (system: string, user: string, schema: unknown) => ({
  messages: [
    { role: "system", content: system },
    { role: "user", content: user },
  ],
  response_format: { type: "json_schema", json_schema: { schema } },
});

const read = readJsonl;

async function judge(baseURL: string, args: string[]) {
  const out = join(dir, `run-${++n}.jsonl`);
  const r = await runCli(
    judgeArgv({ bundle: BUNDLE, input: INPUT, out, model: null, baseURL }, [
      "--samples",
      "1",
      "--limit",
      "3",
      "--max-retries",
      "0",
      ...args,
    ]),
  );
  return { ...r, out, records: r.code === 0 ? read(out) : [] };
}

describe("rulers judge with each provider", () => {
  it("Anthropic: records in the same shape as OpenAI's, with cost from the prices list", async () => {
    const anthropic = await startFakeAnthropic(({ body }) => ({
      json: answerFor(asOpenAI(body.system, body.messages[0].content, body.output_config.format.schema)),
    }));
    const openai = await startFakeOpenAI(validJudge());
    try {
      const a = await judge(anthropic.baseURL, ["--provider", "anthropic", "--model", "claude-sonnet-4-5"]);
      expect(a.code, a.stderr).toBe(0);
      const o = await judge(openai.baseURL, ["--model", "judge-x"]);
      expect(o.code, o.stderr).toBe(0);
      expect(Object.keys(a.records[0]).sort()).toEqual(Object.keys(o.records[0]).sort());
      expect(a.records[0].raw_score).toBe(o.records[0].raw_score);
      expect(a.records[0].judge).toMatchObject({ provider: "anthropic", model: "claude-sonnet-4-5-20990101" });
      // $3 / $15 per million tokens for claude-sonnet-4-5 in the shipped list.
      const u = a.records[0].usage;
      expect(a.records[0].cost_usd).toBeCloseTo((u.prompt_tokens * 3 + u.completion_tokens * 15) / 1e6, 8);
      // An unknown model is warned about once and costs null.
      expect(o.stderr).toMatch(/no price for model `judge-x`/);
      expect(o.records[0].cost_usd).toBeNull();
    } finally {
      await anthropic.close();
      await openai.close();
    }
  });

  it("Gemini: responseJsonSchema, thinking budget from the command line recorded as an override", async () => {
    const gemini = await startFakeGemini(({ body }) => ({
      json: answerFor(
        asOpenAI(
          body.systemInstruction.parts[0].text,
          body.contents[0].parts[0].text,
          body.generationConfig.responseJsonSchema,
        ),
      ),
    }));
    try {
      const g = await judge(gemini.baseURL, [
        "--provider",
        "gemini",
        "--model",
        "gemini-2.5-flash",
        "--reasoning-budget",
        "256",
      ]);
      expect(g.code, g.stderr).toBe(0);
      expect(g.records).toHaveLength(3);
      expect(g.records.every((r: { raw_score: unknown }) => typeof r.raw_score === "number")).toBe(true);
      expect(g.records[0].judge).toMatchObject({
        provider: "gemini",
        reasoning_budget: 256,
        overrides: { reasoning_budget: 256 },
      });
      expect(gemini.requests[0]!.body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 256 });
    } finally {
      await gemini.close();
    }
  });

  it("refuses, before any call, a setting the model does not take, saying how to override it", async () => {
    const openai = await startFakeOpenAI(validJudge());
    try {
      const r = await judge(openai.baseURL, ["--model", "gpt-4o", "--reasoning-effort", "high"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/`gpt-4o` does not accept `reasoning effort` \(set by --reasoning-effort\)/);
      expect(openai.requests).toHaveLength(0);
      // A reasoning model gets no temperature, and the record says so.
      const ok = await judge(openai.baseURL, ["--model", "o4-mini", "--reasoning-effort", "low"]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(openai.requests[0]!.body.temperature).toBeUndefined();
      expect(openai.requests[0]!.body.reasoning_effort).toBe("low");
      expect(ok.records[0].judge).toMatchObject({ temperature: null, reasoning_effort: "low" });
    } finally {
      await openai.close();
    }
  });

  it("refuses a panel whose models belong to different providers", async () => {
    const out = join(dir, "mixed.jsonl");
    const r = await runCli(judgeArgv({ bundle: BUNDLE, input: INPUT, out, model: ["gpt-4o", "claude-sonnet-4-5"] }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/`claude-sonnet-4-5` → anthropic.*one provider/);
  });

  it("--max-cost starts no call past the cap, keeps what finished, and resumes with a higher cap", async () => {
    const openai = await startFakeOpenAI(validJudge());
    const prices = join(dir, "prices.json");
    // A dollar per thousand tokens: a few calls of this rubric cost about a dollar.
    writeFileSync(
      prices,
      JSON.stringify({ date: "2026-01-01", prices: [{ model: "judge-x", input: 1000, output: 1000 }] }),
    );
    try {
      const args = ["--model", "judge-x", "--prices", prices, "--concurrency", "1"];
      const full = await judge(openai.baseURL, args);
      const total = full.records.reduce((a: number, r: { cost_usd: number }) => a + r.cost_usd, 0);
      openai.requests.length = 0;
      // Room for about two of the three calls.
      const cap = Math.round(total * 0.7 * 1000) / 1000;
      const capped = await judge(openai.baseURL, [...args, "--max-cost", String(cap)]);
      expect(capped.code).not.toBe(0);
      expect(capped.stderr).toMatch(new RegExp(`past --max-cost \\$${cap}.*--resume and a higher --max-cost`, "s"));
      const paid = openai.requests.length;
      expect(paid).toBeGreaterThan(0);
      expect(paid).toBeLessThan(3);
      const resumed = await runCli(
        judgeArgv({ bundle: BUNDLE, input: INPUT, out: capped.out, model: null, baseURL: openai.baseURL }, [
          "--samples",
          "1",
          "--limit",
          "3",
          ...args,
          "--max-cost",
          "1000",
          "--resume",
        ]),
      );
      expect(resumed.code, resumed.stderr).toBe(0);
      // Nothing finished was paid for twice.
      expect(openai.requests.length).toBe(3);
      const records = read(capped.out);
      expect(records.every((r: { cost_usd: number }) => r.cost_usd > 1)).toBe(true);
      const zero = await judge(openai.baseURL, [...args, "--max-cost", "0"]);
      expect(zero.stderr).toMatch(/budget is already spent/);
      expect(openai.requests.length).toBe(3);
    } finally {
      await openai.close();
    }
  });
});
