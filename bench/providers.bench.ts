/**
 * CPU per judge call for each provider adapter against its local fake (2,000 calls each,
 * concurrency 16): today's path (OpenAI json_schema), OpenAI-compatible with a forced tool
 * call, Anthropic Messages and Gemini generateContent through their official SDKs. Each fake runs
 * in its own process, so only the client's CPU (adapter, SDK, transport) is counted.
 * Measures the compiled dist/ (what users run): `npm run bench providers` builds first.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// DIST=/path/to/another/build compares the same OpenAI case against an older build of rulers.
const dist = process.env.DIST ?? new URL("../dist", import.meta.url).pathname;
const { complete, createJudgeClient, jsonSchemaFormat } = await import(`${dist}/judge/client.js`);
const { runPool } = await import(`${dist}/judge/pool.js`);

import { startFakeOpenAI } from "../tests/helpers/fake-openai.js";
import { startFakeAnthropic, startFakeGemini } from "../tests/helpers/fake-providers.js";

const CALLS = Number(process.env.CALLS ?? 2000);
const CONCURRENCY = 16;

const judged = {
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
        properties: { input: { type: "string", enum: ["response"] }, quote: { type: "string" } },
      },
    },
    rationale: { type: "string" },
    verdict: { type: "string", enum: ["met", "unmet"] },
  },
};
const schema = {
  type: "object",
  additionalProperties: false,
  required: ["criteria"],
  properties: {
    criteria: {
      type: "object",
      additionalProperties: false,
      required: ["clarity", "accuracy"],
      properties: { clarity: judged, accuracy: judged },
    },
  },
};
const answer = {
  criteria: {
    clarity: { evidence: [{ input: "response", quote: "the essay argues" }], rationale: "clear", verdict: "met" },
    accuracy: { evidence: [], rationale: "no errors found", verdict: "met" },
  },
};
const format = jsonSchemaFormat("judgment", schema);
const words = "the essay argues that schools should start later because students sleep more and learn better".split(
  " ",
);
const request = (model: string, i: number) => ({
  model,
  messages: [
    {
      role: "system" as const,
      content: "You are a careful grader. Judge the response against each criterion. ".repeat(20),
    },
    {
      role: "user" as const,
      content: `Item ${i}\n<<<DATA\n${Array.from({ length: 300 }, (_, j) => words[(i + j) % words.length]).join(" ")}\nDATA>>>`,
    },
  ],
  temperature: 0,
  max_tokens: 800,
  response_format: format,
});

type Kind = "openai" | "tools" | "anthropic" | "gemini";

if (process.argv[2] === "--serve") {
  const kind = process.argv[3] as Kind;
  const s =
    kind === "anthropic"
      ? await startFakeAnthropic(() => ({ json: answer }))
      : kind === "gemini"
        ? await startFakeGemini(() => ({ json: answer }))
        : await startFakeOpenAI(() => ({ json: answer }));
  process.stdout.write(`${s.baseURL}\n`);
  process.on("SIGTERM", () => void s.close().then(() => process.exit(0)));
} else {
  const all: { kind: Kind; label: string; model: string }[] = [
    { kind: "openai", label: "openai json_schema (today's path)", model: "gpt-4o-mini" },
    { kind: "tools", label: "openai-compatible, --format tools", model: "qwen2.5-7b" },
    { kind: "anthropic", label: "anthropic messages (SDK)", model: "claude-haiku-4-5" },
    { kind: "gemini", label: "gemini generateContent (SDK)", model: "gemini-2.5-flash" },
  ];
  const only = process.env.ONLY?.split(",");
  const cases = only ? all.filter((c) => only.includes(c.kind)) : all;
  console.log(`providers: ${CALLS} calls each at concurrency ${CONCURRENCY}, client CPU only`);
  for (const c of cases) {
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve", c.kind], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const baseURL = await new Promise<string>((resolve) =>
      child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
    );
    const client = createJudgeClient({
      baseURL,
      apiKey: "x",
      timeoutMs: 30_000,
      maxRetries: 0,
      maxInFlight: CONCURRENCY,
      provider: c.kind === "tools" ? "openai-compatible" : c.kind,
      format: c.kind === "tools" ? "tools" : "json_schema",
    });
    // Warm-up: sockets, JIT, the SDK's lazy import.
    await runPool(
      Array.from({ length: 400 }, (_, i) => i),
      CONCURRENCY,
      (i: number) => complete(client, request(c.model, i)),
      () => {},
    );
    let failed = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await runPool(
      Array.from({ length: CALLS }, (_, i) => i),
      CONCURRENCY,
      (i: number) => complete(client, request(c.model, i)),
      (o: { ok: boolean }) => {
        if (!o.ok) failed++;
      },
    );
    const cpu = process.cpuUsage(cpu0);
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `  ${c.label.padEnd(36)} ${((cpu.user + cpu.system) / CALLS).toFixed(0).padStart(5)} µs CPU/call  ${(CALLS / secs).toFixed(0).padStart(5)} calls/s${failed ? `  ${failed} FAILED` : ""}`,
    );
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}
