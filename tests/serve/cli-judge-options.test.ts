/**
 * The real `rulers serve` command with `rulers judge`'s provider options (--format, --prices,
 * --max-cost), in a child process on loopback: a cap no call fits in answers 402
 * budget_exhausted before the judge is called, while /healthz and /metrics keep answering.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAI, startFakeOpenAI } from "../helpers/fake-openai.js";
import { gradedJudge, makeBundles, spawnServe } from "./helpers.js";

let b: ReturnType<typeof makeBundles>;
let dir: string;
let judge: FakeOpenAI;
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  b = makeBundles();
  dir = mkdtempSync(join(tmpdir(), "rulers-serve-options-"));
  const prices = join(dir, "prices.json");
  // $1 per million tokens: any call projects to far more than the $0.0000001 cap.
  writeFileSync(prices, JSON.stringify({ date: "2026-01-01", prices: [{ model: "judge-x", input: 1, output: 1 }] }));
  judge = await startFakeOpenAI(gradedJudge);
  const serve = spawnServe(
    b.lock,
    judge.baseURL,
    ["--bundle", "test.reward@1.0.0", "--format", "json", "--prices", prices, "--max-cost", "0.0000001"],
    { OPENAI_API_KEY: "k" },
  );
  server = serve.child;
  url = await serve.url;
}, 60_000);

afterAll(async () => {
  if (server.exitCode === null) server.kill("SIGKILL");
  await judge.close();
  b.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (body: unknown) => {
  const res = await fetch(`${url}/v1/reward`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { error: { code: string; message: string } } };
};

describe("rulers serve with judge's provider options", () => {
  it("refuses a call past --max-cost with 402 budget_exhausted and keeps serving health and metrics", async () => {
    const r = await post({
      bundle: "test.reward@1.0.0",
      items: [{ id: "a", prompt: "Explain tides.", response: "A good answer.", reference: "The moon." }],
    });
    expect(r.status).toBe(402);
    expect(r.json.error.code).toBe("budget_exhausted");
    expect(r.json.error.message).toMatch(/--max-cost \$1e-7/);
    expect(judge.requests).toHaveLength(0);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { budget: unknown }).budget).toEqual({ max_cost_usd: 1e-7, spent_usd: 0 });
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^rulers_judge_max_cost_usd 1e-7$/m);
  });
});
