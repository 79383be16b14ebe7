/**
 * The server judges through the executor's own per-row path with `rulers judge`'s provider
 * setup: provider options change the requests and records as they do for judge, a spent
 * --max-cost is refused with its own code while the server keeps serving, the judge's 429/500
 * are retried, and evidence that does not verify fails closed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { lruCache } from "../../src/serve/index.js";
import { runCli } from "../helpers/cli.js";
import type { Script } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";
import { gradedJudge, makeBundles, slowJudge, startTestServer, type TestServer } from "./helpers.js";

let b: ReturnType<typeof makeBundles>;
let dir: string;
let prices: string;
const open: TestServer[] = [];
beforeAll(() => {
  b = makeBundles();
  dir = mkdtempSync(join(tmpdir(), "rulers-serve-judging-"));
  prices = join(dir, "prices.json");
  writeFileSync(prices, JSON.stringify({ date: "2026-01-01", prices: [{ model: "judge-x", input: 2, output: 8 }] }));
});
afterAll(() => {
  b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});
const start = async (...args: Parameters<typeof startTestServer>) => {
  const t = await startTestServer(...args);
  open.push(t);
  return t;
};

const item = (id: string, response: string) => ({ id, prompt: "Explain tides.", response, reference: "The moon." });
const reward = (items: unknown[], extra: Record<string, unknown> = {}) => ({
  bundle: "test.reward@1.0.0",
  items,
  ...extra,
});

describe("provider options, as rulers judge takes them", () => {
  it("--format json and --prices change the requests and the records", async () => {
    const t = await start(b.lock, gradedJudge, { providerValues: { format: "json", prices } });
    const r = await t.post("/v1/reward", reward([item("a", "A good answer.")], { details: true }));
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([5]);
    expect(t.judge.requests[0]!.body.response_format).toEqual({ type: "json_object" });
    const record = r.json.details[0];
    expect(record.judge.format).toBe("json");
    expect(record.judge.provider).toBe("openai-compatible");
    // Priced from the --prices file: 2 $/M in, 8 $/M out, on the tokens the judge reported.
    const u = record.usage;
    expect(record.cost_usd).toBeCloseTo((u.prompt_tokens * 2 + u.completion_tokens * 8) / 1e6, 9);
  });

  it("without them, the default format and the shipped prices (no price for an unknown model: cost null)", async () => {
    const t = await start(b.lock, gradedJudge);
    const r = await t.post("/v1/reward", reward([item("a", "A good answer.")], { details: true }));
    expect(r.status).toBe(200);
    expect(t.judge.requests[0]!.body.response_format.type).toBe("json_schema");
    expect(r.json.details[0].judge.format).toBe("json_schema");
    expect(r.json.details[0].cost_usd).toBeNull();
  });

  it("rulers serve refuses bad provider options before it listens, with judge's messages", async () => {
    const base = ["serve", "--lock", b.lock, "--model", "judge-x", "--port", "0"];
    const bad = await runCli([...base, "--provider", "nope"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--provider` must be one of openai, anthropic, gemini, openai-compatible, got `nope`/);
    const format = await runCli([...base, "--format", "yaml"]);
    expect(format.code).not.toBe(0);
    expect(format.stderr).toMatch(/--format` must be json_schema, tools or json/);
    const unpriced = await runCli([...base, "--max-cost", "1"]);
    expect(unpriced.code).not.toBe(0);
    expect(unpriced.stderr).toMatch(/--max-cost needs a price for every model; none for `judge-x`/);
    const zero = await runCli([...base, "--max-cost", "0", "--prices", prices]);
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toMatch(/budget is already spent/);
    const help = await runCli(["serve", "--help"]);
    for (const flag of ["--provider", "--prices", "--max-cost", "--reasoning-effort", "--capabilities", "--guided"])
      expect(help.stdout + help.stderr).toContain(flag);
  });
});

describe("--max-cost", () => {
  it("refuses items that need a call with 402 budget_exhausted, answers cached ones, and keeps serving", async () => {
    // One cache behind two servers: the first judges `a` freely, the second has a budget no call fits in.
    const cache = lruCache<never>(100);
    const free = await start(b.lock, gradedJudge, { cache, providerValues: { prices } });
    const first = await free.post("/v1/reward", reward([item("a", "A good answer.")]));
    expect(first.status).toBe(200);

    const capped = await start(b.lock, gradedJudge, { cache, providerValues: { prices }, maxCost: 1e-9 });
    const cached = await capped.post("/v1/reward", reward([item("a", "A good answer.")]));
    expect(cached.status).toBe(200);
    expect(cached.json.rewards).toEqual([5]);

    const refused = await capped.post("/v1/reward", reward([item("a", "A good answer."), item("b", "Bad.")]));
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe("budget_exhausted");
    expect(refused.json.error.message).toMatch(/1 of 2 items need a judge call.*--max-cost/);
    expect(capped.judge.requests).toHaveLength(0);
    // Never floored: a spent budget is not a judgment, even with a floor set.
    const floored = await capped.post("/v1/reward", reward([item("c", "Bad.")], { failed_reward: 0 }));
    expect(floored.status).toBe(402);

    const health = await capped.get("/healthz");
    expect(health.status).toBe(200);
    expect(health.json.budget).toEqual({ max_cost_usd: 1e-9, spent_usd: 0 });
    const metrics = await capped.get("/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^rulers_judge_max_cost_usd 1e-9$/m);
    expect(metrics.text).toMatch(/^rulers_judge_spent_usd 0$/m);
    expect(metrics.text).toMatch(/^rulers_serve_item_failures_total\{reason="judge_budget"\} 2$/m);
  });

  it("counts what the judge calls cost against the cap", async () => {
    const t = await start(b.lock, gradedJudge, { providerValues: { prices }, maxCost: 5 });
    const r = await t.post("/v1/reward", reward([item("a", "A good answer."), item("b", "Bad.")], { details: true }));
    expect(r.status).toBe(200);
    const cost = r.json.details.reduce((a: number, d: { cost_usd: number }) => a + d.cost_usd, 0);
    expect(cost).toBeGreaterThan(0);
    expect((await t.get("/healthz")).json.budget.spent_usd).toBeCloseTo(cost, 6);
  });
});

describe("the shared path", () => {
  it("still deduplicates: concurrent requests for the same rows cost one call per distinct row", async () => {
    let calls = 0;
    const t = await start(
      b.lock,
      slowJudge(100, () => calls++),
    );
    const rows = [item("a", "good one"), item("b", "bad one")];
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.post("/v1/reward", reward(rows))));
    for (const a of answers) expect(a.json.rewards).toEqual([5, 1]);
    expect(calls).toBe(2);
    const metrics = (await t.get("/metrics")).text;
    expect(metrics).toMatch(/^rulers_judge_calls_total 2$/m);
    expect(metrics).toMatch(/^rulers_serve_deduplicated_items_total 8$/m);
  });

  it("retries the judge's 429 and 500 as rulers judge does, and counts the retries", async () => {
    let n = 0;
    const flaky: Script = (req) => {
      n++;
      if (n === 1) return { status: 429, retryAfterMs: 5 };
      if (n === 2) return { status: 500, body: { error: { message: "boom" } } };
      return gradedJudge(req);
    };
    const t = await start(b.lock, flaky, { maxRetries: 2 });
    const r = await t.post("/v1/reward", reward([item("a", "A good answer.")]));
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([5]);
    expect(n).toBe(3);
    expect((await t.get("/metrics")).text).toMatch(/^rulers_judge_retries_total 2$/m);
  });

  it("a judge that stays down past the retries is 503 judge_unavailable, never a reward, and the server keeps serving", async () => {
    let down = true;
    const t = await start(b.lock, (req) => (down ? { status: 500 } : gradedJudge(req)), { maxRetries: 1 });
    const r = await t.post("/v1/reward", reward([item("a", "A good answer.")], { failed_reward: 0 }));
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe("judge_unavailable");
    expect(r.headers.get("retry-after")).toBe("5");
    expect(t.judge.requests).toHaveLength(2);
    down = false;
    const again = await t.post("/v1/reward", reward([item("a", "A good answer.")]));
    expect(again.status).toBe(200);
    expect(again.json.rewards).toEqual([5]);
  });

  it("evidence that does not verify fails closed: the criterion is unmet, as if the judge had said so", async () => {
    // Fabricated quotes for `clear` on a good answer, against an honest judge saying `clear` is unmet.
    const fabricated: Script = (req) => ({
      json: answerFor(req.body, {
        quote: (id, inputs, allowed) =>
          id === "clear"
            ? { input: allowed[0]!, quote: "words that are nowhere in the answer" }
            : { input: allowed[0]!, quote: inputs[allowed[0]!]!.split(/\s+/).slice(0, 3).join(" ") },
      }),
    });
    const honestUnmet: Script = (req) => ({
      json: answerFor(req.body, { decide: (id, values) => (id === "clear" ? "unmet" : values[values.length - 1]!) }),
    });
    const rows = [item("a", "A good answer about the moon.")];
    const lying = await start(b.lock, fabricated);
    const r = await lying.post("/v1/reward", reward(rows, { details: true }));
    const honest = await start(b.lock, honestUnmet);
    const h = await honest.post("/v1/reward", reward(rows));
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual(h.json.rewards);
    expect(r.json.rewards[0]).toBeLessThan(5);
    expect(r.json.failed).toBeUndefined();
    const clear = r.json.details[0].criteria.find((c: { id: string }) => c.id === "clear");
    expect(clear).toMatchObject({ verdict: "unmet", judged_verdict: "met", status: "evidence-unverified:unmet" });
    expect((await lying.get("/metrics")).text).toMatch(/^rulers_evidence_quotes_total\{result="rejected"\} 1$/m);
  });
});
