/**
 * The judge transport alone: 5,000 calls through `complete` (the openai SDK, retries armed,
 * attempt counting) at concurrency 32 against a fake judge that answers after 50 ms, in its own
 * process so its CPU does not count against the client. Ideal: 32 / 0.05 s = 640 calls/s; the
 * whole executor's target is ≥ 90% of that, so the transport must leave room for the rest.
 * Measures the compiled dist/ (what users run): `npm run bench judge-transport` builds first.
 * `TRANSPORT=sdk` measures the SDK's own fetch (undici) instead of the client's keep-alive one.
 * Also: writing 100,000 cache entries (one synchronous write each, background fdatasync) and
 * opening that cache again, which is what `--resume` pays before its first call.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheKey, openCache } from "../dist/judge/cache.js";
import { type Completion, complete, createJudgeClient, jsonSchemaFormat } from "../dist/judge/client.js";
import { runPool } from "../dist/judge/pool.js";
import { startFakeOpenAI } from "../tests/helpers/fake-openai.js";

const DELAY_MS = 50;
const CONCURRENCY = 32;
const CALLS = Number(process.env.CALLS ?? 5000);

// A judge-sized request: a system prompt, a 300-word response and a strict schema.
const schema = {
  type: "object",
  additionalProperties: false,
  required: ["criteria"],
  properties: {
    criteria: {
      type: "object",
      additionalProperties: false,
      required: ["clarity", "accuracy"],
      properties: Object.fromEntries(
        ["clarity", "accuracy"].map((id) => [
          id,
          {
            type: "object",
            additionalProperties: false,
            required: ["evidence", "rationale", "verdict"],
            properties: {
              evidence: {
                type: "array",
                items: {
                  type: "object",
                  additionalProperties: false,
                  required: ["input", "quote"],
                  properties: { input: { enum: ["response"] }, quote: { type: "string" } },
                },
              },
              rationale: { type: "string" },
              verdict: { enum: ["met", "unmet"] },
            },
          },
        ]),
      ),
    },
  },
};
const answer = {
  criteria: {
    clarity: {
      evidence: [{ input: "response", quote: "the essay argues" }],
      rationale: "clear enough",
      verdict: "met",
    },
    accuracy: { evidence: [], rationale: "no errors found", verdict: "met" },
  },
};

const format = jsonSchemaFormat("judgment", schema);
const words = "the essay argues that schools should start later because students sleep more and learn better".split(
  " ",
);
const request = (i: number) => ({
  model: "fake-judge-1",
  messages: [
    {
      role: "system" as const,
      content: "You are a careful grader. Judge the response against each criterion. ".repeat(20),
    },
    {
      role: "user" as const,
      content:
        `Item ${i}\n<<<DATA\n` +
        Array.from({ length: 300 }, (_, j) => words[(i + j) % words.length]).join(" ") +
        "\nDATA>>>",
    },
  ],
  temperature: 0,
  response_format: format,
});

if (process.argv.includes("--serve")) {
  const server = await startFakeOpenAI(() => ({ delayMs: DELAY_MS, reply: { json: answer } }));
  process.stdout.write(`${server.baseURL}\n`);
  process.on("SIGTERM", () => {
    const cpu = process.cpuUsage();
    process.stderr.write(
      `  fake judge process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s for ${server.requests.length} requests\n`,
    );
    void server.close().then(() => process.exit(0));
  });
} else {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const baseURL = await new Promise<string>((resolve) =>
    child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  const sdkFetch = process.env.TRANSPORT === "sdk";
  const client = createJudgeClient({
    baseURL,
    apiKey: "x",
    timeoutMs: 30_000,
    maxRetries: 2,
    maxInFlight: CONCURRENCY,
    ...(sdkFetch ? { fetch: globalThis.fetch } : {}),
  });
  // Warm up sockets and JIT so the figure is the steady state.
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => complete(client, request(i))));
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await runPool(
    Array.from({ length: CALLS }, (_, i) => i),
    CONCURRENCY,
    (i: number) => complete(client, request(i)),
    (outcome: { ok: boolean; value?: { latency_ms: number } }) => {
      if (outcome.ok) latencies.push(outcome.value!.latency_ms);
      else failed++;
    },
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const rate = CALLS / secs;
  console.log(
    `  transport: ${sdkFetch ? "the SDK's default fetch (undici)" : "the client's keep-alive node:http fetch"}`,
  );
  console.log(
    `  call latency ms: median ${latencies[latencies.length >> 1]}, p99 ${latencies[Math.floor(latencies.length * 0.99)]}, max ${latencies[latencies.length - 1]}`,
  );
  console.log(
    `  client process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s over ${secs.toFixed(2)} s wall = ${((cpu.user + cpu.system) / 1000 / CALLS).toFixed(2)} ms per call`,
  );
  console.log(
    `judge-transport: ${CALLS} calls in ${secs.toFixed(2)} s = ${rate.toFixed(0)} calls/s with a ${DELAY_MS} ms judge at concurrency ${CONCURRENCY} (ideal 640/s: ${((rate / 640) * 100).toFixed(1)}%); ${failed} failed`,
  );
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  benchCache();
}

function benchCache(): void {
  const ENTRIES = 100_000;
  const dir = mkdtempSync(join(tmpdir(), "rulers-cache-bench-"));
  const path = join(dir, "calls.jsonl");
  const content = JSON.stringify(answer);
  const cache = openCache(path);
  const t0 = performance.now();
  for (let i = 0; i < ENTRIES; i++) {
    const c: Completion = {
      content,
      refusal: null,
      finish_reason: "stop",
      model: "fake-judge-1",
      system_fingerprint: "fp_fake_1",
      usage: { prompt_tokens: 600 + (i % 50), completion_tokens: 60 },
      latency_ms: 52,
      attempts: 1,
    };
    void cache.put(
      cacheKey({
        bundle_hash: `sha256:${"0".repeat(64)}`,
        model: "fake-judge-1",
        settings: { temperature: 0, sample: 0 },
        messages: [{ role: "user", content: `item ${i}` }],
        response_format: format,
      }),
      c,
    );
  }
  const writeMs = performance.now() - t0;
  cache.close();
  const mb = statSync(path).size / 1e6;
  const t1 = performance.now();
  const reopened = openCache(path);
  const loadMs = performance.now() - t1;
  reopened.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `cache: ${ENTRIES} entries (${mb.toFixed(0)} MB) written in ${writeMs.toFixed(0)} ms (${((writeMs * 1000) / ENTRIES).toFixed(1)} µs per put, key included); reopened with ${reopened.loaded} entries in ${loadMs.toFixed(0)} ms`,
  );
}
