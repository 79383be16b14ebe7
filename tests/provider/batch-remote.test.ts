import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { startFakeAnthropicBatches, startFakeOpenAIBatches } from "../helpers/fake-batches.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor, validJudge } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-batch-remote-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BUNDLE = "bundles/health.answer-quality/1.0.0/bundle.json";
const INPUT = "examples/health-answer.jsonl";
const read = (p: string) =>
  readFileSync(p, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
const common = ["--bundle", BUNDLE, "--input", INPUT, "--samples", "1"];
const env = (k: string) => {
  process.env[k] = "test-key";
};

describe("batches submitted, polled, collected and ingested", () => {
  it("OpenAI Batch API: upload, create, poll, download, ingest — the same records as a direct run", async () => {
    env("OPENAI_API_KEY");
    const api = await startFakeOpenAIBatches(
      (body, id) => (id.includes("healthbench-1f548d5b") ? { fail: "server overloaded" } : { json: answerFor(body) }),
      {
        polls: 2,
      },
    );
    const direct = await startFakeOpenAI(validJudge());
    try {
      const requests = join(dir, "openai.requests.jsonl");
      const prep = await runCli(["batch", "prepare", ...common, "--model", "gpt-4o-mini", "--out", requests]);
      expect(prep.code, prep.stderr).toBe(0);
      const sub = await runCli([
        "batch",
        "submit",
        "--requests",
        requests,
        "--provider",
        "openai",
        "--base-url",
        api.baseURL,
      ]);
      expect(sub.code, sub.stderr).toBe(0);
      const state = `${requests}.batch.json`;
      const saved = JSON.parse(readFileSync(state, "utf8"));
      expect(saved).toMatchObject({
        provider: "openai",
        batches: [{ part: requests, id: expect.stringMatching(/^batch_/) }],
      });
      // Submitting again submits nothing twice.
      const again = await runCli(["batch", "submit", "--requests", requests, "--base-url", api.baseURL]);
      expect(again.stderr).toMatch(/already submitted/);
      expect(api.batches.size).toBe(1);
      // Not finished yet: collect says so and exits 2; status shows progress.
      const early = await runCli(["batch", "collect", "--state", state]);
      expect(early.code).toBe(2);
      expect(early.stderr).toMatch(/still running.*run collect again/);
      const st = await runCli(["batch", "status", "--state", state, "--json"]);
      expect(JSON.parse(st.stdout)[0]).toMatchObject({ state: "in_progress", counts: { total: 10 } });
      const out = join(dir, "openai.run.jsonl");
      const col = await runCli([
        "batch",
        "collect",
        "--state",
        state,
        "--wait",
        "--poll-s",
        "0.01",
        ...common,
        "--model",
        "gpt-4o-mini",
        "--out",
        out,
      ]);
      expect(col.code, col.stderr).toBe(0);
      expect(api.log).toContain("POST /v1/files");
      expect(api.log.some((l) => /^GET \/v1\/files\/file-out-.*\/content$/.test(l))).toBe(true);
      const records = read(out);
      expect(records).toHaveLength(10);
      const failed = records.find((r) => r.item_id === "healthbench-1f548d5b");
      expect(failed.error).toMatch(/server overloaded/);
      // Everything else matches a direct run of the same requests.
      const directOut = join(dir, "direct.jsonl");
      const d = await runCli([
        "judge",
        ...common,
        "--model",
        "gpt-4o-mini",
        "--base-url",
        direct.baseURL,
        "--out",
        directOut,
      ]);
      expect(d.code, d.stderr).toBe(0);
      const byId = new Map(read(directOut).map((r) => [r.item_id, r]));
      for (const r of records.filter((x) => x.error === undefined))
        expect(r.raw_score, r.item_id).toBe(byId.get(r.item_id)!.raw_score);
      expect(JSON.parse(readFileSync(state, "utf8")).batches[0].results).toHaveLength(2);
    } finally {
      await api.close();
      await direct.close();
    }
  });

  it("Anthropic Message Batches: params in Anthropic's dialect, ids it accepts, results ingested", async () => {
    env("ANTHROPIC_API_KEY");
    const api = await startFakeAnthropicBatches((params) => ({
      json: answerFor({
        messages: [{ role: "system", content: params.system }, ...params.messages],
        response_format: { type: "json_schema", json_schema: { schema: params.output_config.format.schema } },
      }),
    }));
    try {
      const requests = join(dir, "anthropic.requests.jsonl");
      const model = ["--model", "claude-haiku-4-5", "--provider", "anthropic"];
      const prep = await runCli(["batch", "prepare", ...common, ...model, "--out", requests]);
      expect(prep.code, prep.stderr).toBe(0);
      const first = JSON.parse(readFileSync(requests, "utf8").split("\n")[0]!);
      expect(first.custom_id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(first.params).toMatchObject({
        model: "claude-haiku-4-5",
        output_config: { format: { type: "json_schema" } },
      });
      expect(typeof first.params.system).toBe("string");
      const sub = await runCli([
        "batch",
        "submit",
        "--requests",
        requests,
        "--provider",
        "anthropic",
        "--base-url",
        api.baseURL,
      ]);
      expect(sub.code, sub.stderr).toBe(0);
      const out = join(dir, "anthropic.run.jsonl");
      const state = `${requests}.batch.json`;
      const col = await runCli([
        "batch",
        "collect",
        "--state",
        state,
        "--wait",
        "--poll-s",
        "0.01",
        ...common,
        ...model,
        "--out",
        out,
      ]);
      expect(col.code, col.stderr).toBe(0);
      const records = read(out);
      expect(records).toHaveLength(10);
      expect(records.every((r) => typeof r.raw_score === "number")).toBe(true);
      expect(records[0].judge).toMatchObject({ provider: "anthropic" });
      expect(records[0].cost_usd).toBeGreaterThan(0);
      expect(existsSync(JSON.parse(readFileSync(state, "utf8")).batches[0].results[0])).toBe(true);
    } finally {
      await api.close();
    }
  });

  it("says what is wrong: no state, a provider without a batch API", async () => {
    const none = await runCli(["batch", "collect", "--state", join(dir, "missing.batch.json")]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/no batch state at .*rulers batch submit/);
    const gem = await runCli(["batch", "submit", "--requests", INPUT, "--provider", "gemini"]);
    expect(gem.stderr).toMatch(/openai or anthropic/);
  });
});
