/**
 * Executor speed (issue 3), on the compiled dist/:
 * 1. overhead: prompt rendering, cache key, schema validation, evidence verification and scoring
 *    for a 10-criterion rubric and a 2,000-word response, with every answer already in the cache
 *    (so no HTTP): CPU time per judgment;
 * 2. throughput: a fake judge in another process answering after 50 ms, --concurrency 32,
 *    5,000 items, durable on-disk cache: judgments per second against the ideal 640/s;
 * (Evidence location on its own: bench/evidence.bench.ts.)
 * Run: npm run bench judge
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { buildBundle } from "../dist/bundle/build.js";
import { compileSource } from "../dist/compile/index.js";
import { runJudge } from "../dist/execute/index.js";
import type { Completion } from "../dist/judge/client.js";
import { cacheKey, createJudgeClient, memoryCache, renderPrompt, requestSchema } from "../dist/judge/index.js";
import { answerFor } from "../tests/helpers/scripted-judge.js";
import { generatedWords, realData } from "./data.js";

const wordsPath = realData("asap/folds/fold_1_test.tsv", "generated essay-like words");
const words = wordsPath
  ? readFileSync(wordsPath, "latin1")
      .split(/\s+/)
      .filter((w) => /^[A-Za-z,.]+$/.test(w))
  : generatedWords(400_000, 1);
const essay = (i: number, n: number) =>
  words.slice((i * 997) % (words.length - n), ((i * 997) % (words.length - n)) + n).join(" ");

const src = `rubric bench.ten version 1.0.0
input prompt "The task"
input response "The answer", quotable
scale 1 to 6
${Array.from({ length: 10 }, (_, i) => `criterion c${i} "Criterion ${i}"\n  ${i % 3 === 0 ? 'levels 1 "a" 2 "b" 3 "c" 4 "d" end' : "binary"}\n  weight ${1 + (i % 3)}\n  evidence at least 1 quote from response, at most 40 words\nend`).join("\n")}
check long_enough words of response at least 100 end
gate short when long_enough fails cap score at 2 end
aggregate weighted mean`;
const ir = compileSource(src, "bench.rubric").ir!;
const bundle = buildBundle(ir);
const settings = {
  models: ["m"],
  temperature: 0,
  samples: 1,
  seed: null,
  max_tokens: null,
  format: "json_schema" as const,
  maxRepairs: 1,
  maxInputChars: 1e7,
};

// 1. Overhead per judgment, all answers cached.
{
  const N = 2000;
  const rows = Array.from({ length: N }, (_, i) => ({
    line: i + 1,
    value: { id: `i${i}`, prompt: "Write an essay.", response: essay(i, 2000) },
  }));
  const cache = memoryCache();
  const schema = requestSchema(bundle.body.answer_schema, ir);
  for (const r of rows) {
    const v = r.value;
    const { messages } = renderPrompt(bundle, { prompt: v.prompt, response: v.response }, { swapped: false });
    const body = { messages, response_format: { type: "json_schema", json_schema: { schema } } };
    const content = JSON.stringify(
      answerFor(body, {
        quote: (_id, inputs) => ({ input: "response", quote: inputs.response!.split(" ").slice(100, 130).join(" ") }),
      }),
    );
    const completion: Completion = {
      content,
      refusal: null,
      finish_reason: "stop",
      model: "m",
      system_fingerprint: null,
      usage: { prompt_tokens: 1, completion_tokens: 1 },
      latency_ms: 0,
      attempts: 1,
    };
    const key = cacheKey({
      bundle_hash: bundle.hash,
      model: "m",
      settings: { temperature: 0, seed: null, max_tokens: null, sample: 0, tag: "" },
      messages,
      response_format: { type: "json_schema", json_schema: { name: "judgment", schema, strict: true } },
    });
    await cache.put(key, completion);
  }
  const client = createJudgeClient({ baseURL: "http://127.0.0.1:1/v1", apiKey: "x", timeoutMs: 1000, maxRetries: 0 });
  await runJudge({
    bundle,
    rows: rows.slice(0, 200),
    problems: [],
    client,
    cache,
    settings,
    concurrency: 1,
    progress: false,
  }); // warm up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { summary } = await runJudge({
    bundle,
    rows,
    problems: [],
    client,
    cache,
    settings,
    concurrency: 1,
    progress: false,
  });
  const cpu = process.cpuUsage(cpu0);
  if (summary.calls !== 0 || summary.failed !== 0)
    throw new Error(`overhead run made ${summary.calls} calls, ${summary.failed} failed`);
  console.log(
    `overhead: ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms CPU per judgment (${((performance.now() - t0) / N).toFixed(3)} ms wall), 10 criteria, 2,000-word response, ${summary.evidence_verified} quotes verified — target < 1 ms`,
  );
}

// 2. Throughput against a 50 ms judge (the executor in a plain-node child: see judge-throughput.mjs).
{
  const server = spawn(process.execPath, ["--import", "tsx", "bench/fake-judge-server.ts"], {
    env: { ...process.env, DELAY_MS: "50", REPORT_CPU: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const baseURL: string = await new Promise((resolve) =>
    createInterface({ input: server.stdout! }).once("line", resolve),
  );
  const dir = mkdtempSync(join(tmpdir(), "rulers-bench-"));
  // The child reads the same words, whichever data this run has.
  const wordsFile = join(dir, "words.txt");
  writeFileSync(wordsFile, words.join(" "));
  const small = `rubric bench.two version 1.0.0
input prompt "The task"
input response "The answer", quotable
scale 1 to 6
criterion c0 "C0" binary evidence at least 1 quote from response, at most 40 words end
criterion c1 "C1" binary evidence at least 1 quote from response end
aggregate weighted mean`;
  for (const [name, text] of [
    ["2-criterion", small],
    ["10-criterion", src],
  ] as const) {
    const source = join(dir, `${name}.rubric`);
    writeFileSync(source, text);
    console.log(`  ${name} rubric:`);
    const run = spawn(process.execPath, ["bench/judge-throughput.mjs", baseURL, source, wordsFile], {
      stdio: "inherit",
    });
    await new Promise((r) => run.once("exit", r));
  }
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
