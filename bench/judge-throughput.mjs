// Throughput half of judge.bench.ts, in plain JavaScript so the executor runs exactly as users
// run it (no TypeScript loader hooks in the process). Usage: node bench/judge-throughput.mjs URL RUBRIC WORDS
// (WORDS: a text file of the words judge.bench.ts chose, real or generated: see bench/data.ts).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle } from "../dist/bundle/build.js";
import { compileSource } from "../dist/compile/index.js";
import { runJudge } from "../dist/execute/index.js";
import { createJudgeClient, openCache } from "../dist/judge/index.js";

const [baseURL, source, wordsFile] = process.argv.slice(2);
const ir = compileSource(readFileSync(source, "utf8"), "bench.rubric").ir;
const bundle = buildBundle(ir);
const words = readFileSync(wordsFile, "utf8").split(" ");
const N = 5000;
const rows = Array.from({ length: N }, (_, i) => ({
  line: i + 1,
  value: { id: `i${i}`, prompt: "Write an essay.", response: words.slice(i * 7, i * 7 + 300).join(" ") },
}));
const dir = mkdtempSync(join(tmpdir(), "rulers-bench-"));
const client = createJudgeClient({ baseURL, apiKey: "x", timeoutMs: 30_000, maxRetries: 2, maxInFlight: 32 });
const cache = openCache(join(dir, "cache.jsonl"));
const settings = {
  models: ["m"],
  temperature: 0,
  samples: 1,
  seed: null,
  max_tokens: null,
  format: "json_schema",
  maxRepairs: 1,
  maxInputChars: 1e7,
};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const { summary, records: recs } = await runJudge({
  bundle,
  rows,
  problems: [],
  client,
  cache,
  settings,
  concurrency: 32,
  progress: false,
});
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
cache.close();
rmSync(dir, { recursive: true, force: true });
const rate = N / secs;
const lat = recs.map((r) => r.latency_ms).sort((a, b) => a - b);
if (process.env.SHOW_LATENCY)
  console.log(
    `  call latency ms: median ${lat[lat.length >> 1]}, p90 ${lat[Math.floor(lat.length * 0.9)]}, max ${lat[lat.length - 1]}`,
  );
console.log(`  executor process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s over ${secs.toFixed(2)} s wall`);
console.log(
  `throughput: ${N} items in ${secs.toFixed(2)} s = ${rate.toFixed(0)} judgments/s with a 50 ms judge at --concurrency 32 (ideal 640/s: ${((rate / 640) * 100).toFixed(1)}%; target ≥ 90%); ${summary.failed} failed, fsync'd cache on disk`,
);
