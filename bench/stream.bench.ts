/**
 * Streaming runs (issue 12): `rulers judge` over 2,000, 20,000 and 200,000 rows through a fake
 * judge in another process (answering at once), cache on disk, --concurrency 16. For each size:
 * peak RSS of the judging process, the heap left after full GCs, CPU per row, and the share of
 * CPU spent in GC (from a --cpu-prof profile of the judging process, and as perf_hooks pause time).
 * Memory must not grow with the number of rows (200,000 rows under 300 MB), CPU per row at
 * 20,000 must not exceed the 2,000-row figure, GC under 8% of CPU.
 * Run: npm run bench stream          (sizes: STREAM_ROWS=2000,20000 npm run bench stream)
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const sizes = (process.env.STREAM_ROWS ?? "2000,20000,200000").split(",").map(Number);
const dir = mkdtempSync(join(tmpdir(), "rulers-stream-bench-"));
const server = spawn(process.execPath, ["--import", "tsx", "bench/fake-judge-server.ts"], {
  env: { ...process.env, DELAY_MS: "0" },
  stdio: ["ignore", "pipe", "inherit"],
});
const baseURL: string = await new Promise((resolve) =>
  createInterface({ input: server.stdout! }).once("line", resolve),
);

const rubric = join(dir, "stream.rubric");
writeFileSync(
  rubric,
  `rubric bench.stream version 1.0.0
input prompt "The task"
input response "The answer", quotable
scale 1 to 6
criterion c0 "Addresses the task" binary evidence at least 1 quote from response, at most 40 words end
criterion c1 "Gives reasons" levels 1 "none" 2 "some" 3 "many" end evidence at least 1 quote from response end
aggregate weighted mean`,
);

/**
 * GC's share of the rulers process's main-thread CPU from its --cpu-prof profile: samples in
 * "(garbage collector)" over samples not "(idle)". The profiler samples a thread only when it
 * runs, so unlike GC pause times (wall clock) this is not inflated when other processes hold the
 * cores; GC work on V8's helper threads is not in it (it is in the process CPU above).
 */
function gcShareOfProfile(profDir: string): { share: number; samples: number } {
  const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no CPU profile in ${profDir}`);
  const p = JSON.parse(readFileSync(join(profDir, file), "utf8")) as {
    nodes: { id: number; callFrame: { functionName: string } }[];
    samples: number[];
  };
  const name = new Map(p.nodes.map((n) => [n.id, n.callFrame.functionName]));
  let gc = 0;
  let busy = 0;
  for (const id of p.samples) {
    const f = name.get(id);
    if (f === "(idle)") continue;
    busy++;
    if (f === "(garbage collector)") gc++;
  }
  rmSync(profDir, { recursive: true, force: true });
  return { share: busy ? gc / busy : 0, samples: busy };
}

function run(args: string[], profDir?: string): Promise<Record<string, number | null>> {
  const flags = [
    ...(profDir ? ["--cpu-prof", "--cpu-prof-dir", profDir] : []),
    ...(process.env.STREAM_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
  ];
  const child = spawn(process.execPath, [...flags, "bench/stream-child.mjs", ...args], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  let stats = "";
  let stderr = "";
  child.stdio[3]!.on("data", (d) => (stats += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(stats)) : reject(new Error(`rulers ${args[0]} exited ${code}: ${stderr}`)),
    ),
  );
}

await run(["compile", rubric, "--out", join(dir, "bundles")]);
const bundle = join(dir, "bundles/bench.stream/1.0.0/bundle.json");
const WORDS =
  "the a essay argues that school uniforms reduce cost and pressure while critics say they limit expression but evidence from several districts shows attendance rose".split(
    " ",
  );

for (const n of sizes) {
  const input = join(dir, `rows-${n}.jsonl`);
  const out = createWriteStream(input);
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 300 }, (_, w) => WORDS[(i * 7 + w * 13) % WORDS.length]).join(" ");
    if (
      !out.write(
        `${JSON.stringify({ id: `r${i}`, prompt: "Write an essay on school uniforms.", response: `${i}: ${words}` })}\n`,
      )
    )
      await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  const runFile = join(dir, `run-${n}.jsonl`);
  const profDir = join(dir, `prof-${n}`);
  const s = await run(
    [
      "judge",
      "--bundle",
      bundle,
      "--input",
      input,
      "--out",
      runFile,
      "--model",
      "m",
      "--base-url",
      baseURL,
      "--concurrency",
      process.env.STREAM_CONCURRENCY ?? "16",
      "--progress",
      "never",
    ],
    profDir,
  );
  const prof = gcShareOfProfile(profDir);
  const lines = readFileSync(runFile, "utf8").split("\n").filter(Boolean).length;
  if (lines !== n) throw new Error(`run of ${n} rows wrote ${lines} records`);
  console.log(
    `${String(n).padStart(7)} rows: peak RSS ${s.max_rss_mb!.toFixed(0)} MB (target < 300 MB); heap after full GCs ${s.live_first_mb?.toFixed(0) ?? "-"} → ${s.live_last_mb?.toFixed(0) ?? "-"} MB (${s.major_gcs}); CPU ${(s.cpu_ms! / n).toFixed(3)} ms/row; GC ${(prof.share * 100).toFixed(1)}% of main-thread CPU samples (--cpu-prof; ${((s.gc_ms! / s.cpu_ms!) * 100).toFixed(1)}% as pause time / CPU, ${s.gc_count} collections); wall ${(s.wall_ms! / 1000).toFixed(1)} s (${(n / (s.wall_ms! / 1000)).toFixed(0)} rows/s); run ${(statSync(runFile).size / 1e6).toFixed(0)} MB, cache ${(statSync(`${runFile}.cache.jsonl`).size / 1e6).toFixed(0)} MB`,
  );
  rmSync(input);
  rmSync(runFile);
  rmSync(`${runFile}.cache.jsonl`);
}
server.kill("SIGTERM");
rmSync(dir, { recursive: true, force: true });
