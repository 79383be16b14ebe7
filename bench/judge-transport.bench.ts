/**
 * The judge transport alone: 5,000 calls through `complete` (the openai SDK, retries armed,
 * attempt counting) at concurrency 32 against a fake judge that answers after 50 ms, in its own
 * process so its CPU does not count against the client. Ideal: 32 / 0.05 s = 640 calls/s; the
 * whole executor's target is ≥ 90% of that, so the transport must leave room for the rest.
 * Measures the compiled dist/ (what users run): `npm run bench judge-transport` builds first.
 * Four transports, each in its own process (`TRANSPORT=direct,keepalive,sdk,undici`, the default):
 * the OpenAI adapter's direct path, the SDK over the keep-alive fetch, the SDK over its own fetch,
 * and undici's Pool with nothing around it.
 * Also: writing 100,000 cache entries (one synchronous write each, background fdatasync) and
 * opening that cache again, which is what `--resume` pays before its first call.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheKey, openCache } from "../dist/judge/cache.js";
import { type Completion, complete, createJudgeClient, jsonSchemaFormat } from "../dist/judge/client.js";
import { keepAliveFetch } from "../dist/judge/keepalive-fetch.js";
import { runPool } from "../dist/judge/pool.js";
import { openaiAnswer } from "../dist/provider/openai.js";
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

const TRANSPORTS: Record<string, string> = {
  direct: "the OpenAI adapter posting over keep-alive node:http (openai-http.ts, the default since issue 21)",
  keepalive: "the SDK with the keep-alive node:http fetch (the default before issue 21)",
  sdk: "the SDK with its own fetch (undici inside Node)",
  undici: "undici 7 Pool.request directly, no SDK, no retries (a floor, not a client)",
};

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
} else if (process.argv.includes("--client")) {
  await measureClient(
    process.argv[process.argv.indexOf("--client") + 1]!,
    process.argv[process.argv.indexOf("--client") + 2]!,
  );
} else {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const baseURL = await new Promise<string>((resolve) =>
    child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  // Each transport in its own process, so one's heap and JIT never help or hinder the next.
  for (const t of (process.env.TRANSPORT ?? "direct,keepalive,sdk,undici").split(",")) {
    const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--client", t, baseURL], {
      stdio: "inherit",
    });
    if (r.status !== 0) process.exitCode = 1;
  }
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  benchCache();
}

async function measureClient(transport: string, baseURL: string): Promise<void> {
  if (!TRANSPORTS[transport]) throw new Error(`TRANSPORT ${transport}: one of ${Object.keys(TRANSPORTS).join(", ")}`);
  const client = createJudgeClient({
    baseURL,
    apiKey: "x",
    timeoutMs: 30_000,
    maxRetries: 2,
    maxInFlight: CONCURRENCY,
    ...(transport === "sdk" ? { fetch: globalThis.fetch } : {}),
    ...(transport === "keepalive" ? { fetch: keepAliveFetch({ maxSockets: CONCURRENCY }) } : {}),
  });
  let one = (i: number) => complete(client, request(i));
  if (transport === "undici") {
    const { Pool } = await import("undici");
    const url = new URL(`${baseURL}/chat/completions`);
    const pool = new Pool(url.origin, { connections: CONCURRENCY });
    one = async (i: number) => {
      const r = await pool.request({
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer x" },
        body: JSON.stringify(client.provider.body(request(i))),
      });
      return { ...openaiAnswer(await r.body.json(), request(i), baseURL), latency_ms: 0, attempts: 1 };
    };
  }
  // Warm up sockets and JIT so the figure is the steady state.
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => one(i)));
  const latencies: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await runPool(
    Array.from({ length: CALLS }, (_, i) => i),
    CONCURRENCY,
    (i: number) => one(i),
    (outcome: { ok: boolean; value?: { latency_ms: number } }) => {
      if (outcome.ok) latencies.push(outcome.value!.latency_ms);
      else failed++;
    },
  );
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const rate = CALLS / secs;
  console.log(`  transport: ${TRANSPORTS[transport]}`);
  if (transport !== "undici")
    console.log(
      `  call latency ms: median ${latencies[latencies.length >> 1]}, p99 ${latencies[Math.floor(latencies.length * 0.99)]}, max ${latencies[latencies.length - 1]}`,
    );
  console.log(
    `  client process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)}) over ${secs.toFixed(2)} s wall = ${((cpu.user + cpu.system) / CALLS).toFixed(0)} µs per call`,
  );
  console.log(
    `judge-transport ${transport}: ${CALLS} calls in ${secs.toFixed(2)} s = ${rate.toFixed(0)} calls/s with a ${DELAY_MS} ms judge at concurrency ${CONCURRENCY} (ideal 640/s: ${((rate / 640) * 100).toFixed(1)}%); ${failed} failed`,
  );
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
