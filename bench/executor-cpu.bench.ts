/**
 * Executor CPU (issue 21): what one judge call costs the rulers process, side by side with
 * promptfoo on the same job. Real ASAP essays, a 10-criterion rubric, the project's fake judge
 * in its own process answering after 50 ms, concurrency 32, `rulers judge` from dist/ with its
 * cache and run file on disk:
 *   A. all criteria in one call: 2,000 rows = 2,000 calls (20,000 verdicts);
 *   B. `each criterion separately`: 200 rows × 10 criteria = 2,000 calls (2,000 verdicts);
 *   the job: 200 essays × 10 criteria, by rulers in mode A and in mode B, and by promptfoo
 *   0.118.0 (one llm-rubric assertion per criterion, 2,000 grader calls) when it is installed
 *   (tests/integrations/promptfoo.test.ts installs it; RULERS_PROMPTFOO_DIR moves it).
 *   Start-up too: a one-row `rulers judge`, `rulers --help`, the root import (EXEC_CPU_ONLY=startup
 *   measures only that).
 * Per run: CPU (user + system) of the judging process only, per call and per verdict, peak RSS,
 * and the share of that CPU spent in garbage collection (perf_hooks `gc` entries); the job rows
 * are whole processes (start-up included) measured by /usr/bin/time, for both tools alike: the
 * one-call job through bin/rulers.js as users run it, the median of JOB_RUNS runs (default 7),
 * and promptfoo the median of PF_RUNS runs (default 3), the two tools' runs interleaved.
 * Run: npm run bench executor-cpu       (EXEC_CPU_PROFILE=dir also writes --cpu-prof files;
 *      EXEC_CPU_NODE_ARGS="--flag …" passes more node flags to the judging process)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { generatedEssays, realData } from "./data.js";

const root = resolve(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "rulers-exec-cpu-"));
const CONCURRENCY = 32;

/** The `essay` column of an ASAP TSV (fields may be double-quoted, with "" escapes). */
function essays(tsv: string): string[] {
  const out: string[] = [];
  const lines = tsv.split(/\r?\n/);
  const col = lines[0]!.split("\t").indexOf("essay");
  for (const l of lines.slice(1)) {
    const f = l.split("\t")[col];
    if (!f) continue;
    const e = f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f;
    if (e.length > 200) out.push(e);
  }
  return out;
}

const folds = [0, 1].map((i) => realData(`asap/folds/fold_${i}_test.tsv`, "generated essays"));
const texts = folds.every((f) => f !== null)
  ? folds.flatMap((f) => essays(readFileSync(f!, "utf8")))
  : generatedEssays(2400);
if (texts.length < 2000) throw new Error(`need 2,000 distinct essays, found ${texts.length}`);

const criteria = Array.from(
  { length: 10 },
  (_, i) =>
    `criterion c${i} "Criterion ${i}"\n  ${i % 3 === 0 ? 'levels 1 "weak" 2 "fair" 3 "good" 4 "strong" end' : "binary"}\n  "The essay meets requirement ${i}: it states a clear position and supports it."\n  weight ${1 + (i % 3)}\n  evidence at least 1 quote from response, at most 40 words\nend`,
);
const rubric = (id: string, perCriterion: boolean) => `rubric bench.${id} version 1.0.0
input prompt "The task"
input response "The essay", quotable
scale 1 to 6
${perCriterion ? "judge\n  each criterion separately\nend\n" : ""}${criteria.join("\n")}
aggregate weighted mean`;

interface Stats {
  code: number;
  wall_ms: number;
  cpu_ms: number;
  gc_ms: number;
  gc_count: number;
  max_rss_mb: number;
  /** Whole process, start-up included (/usr/bin/time). */
  proc_cpu_s: number;
  proc_user_s: number;
  proc_sys_s: number;
  proc_rss_mb: number;
}

/** `cmd args` under /usr/bin/time; resolves with its user+sys seconds, peak RSS and fd-3 report. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = root): Promise<Stats> {
  const child = spawn("/usr/bin/time", ["-f", "TIME %U %S %M", cmd, ...args], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    env,
    cwd,
  });
  let report = "";
  let stderr = "";
  child.stdio[3]?.on("data", (d) => (report += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((res, rej) =>
    child.once("exit", (code) => {
      const t = /TIME ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
      // promptfoo exits 100 when an assertion fails; its figures are still the job's.
      if (!t || (code !== 0 && code !== 100)) return rej(new Error(`${cmd} exited ${code}: ${stderr.slice(-2000)}`));
      const inner = report ? (JSON.parse(report) as Partial<Stats>) : {};
      res({
        code: code ?? 0,
        wall_ms: 0,
        cpu_ms: 0,
        gc_ms: 0,
        gc_count: 0,
        max_rss_mb: 0,
        ...inner,
        proc_cpu_s: Number(t[1]) + Number(t[2]),
        proc_user_s: Number(t[1]),
        proc_sys_s: Number(t[2]),
        proc_rss_mb: Number(t[3]) / 1024,
      });
    }),
  );
}

/**
 * `rulers args` from dist/: through bench/stream-child.mjs, which reports the judging CPU and
 * its GC share on fd 3, or (`asUsersRun`) through bin/rulers.js with nothing else in the
 * process, for the whole-process rows where promptfoo also runs as its users run it.
 */
const rulers = (args: string[], asUsersRun = false) =>
  timed(process.execPath, [
    ...(process.env.EXEC_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.EXEC_CPU_PROFILE}`] : []),
    ...(process.env.EXEC_CPU_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
    join(root, asUsersRun ? "bin/rulers.js" : "bench/stream-child.mjs"),
    ...args,
  ]);

const server = spawn(process.execPath, ["--import", "tsx", "bench/fake-judge-server.ts"], {
  env: { ...process.env, DELAY_MS: "50", REPORT_CPU: "1" },
  stdio: ["ignore", "pipe", "inherit"],
  cwd: root,
});
const baseURL: string = await new Promise((res) => createInterface({ input: server.stdout! }).once("line", res));

const bundles: Record<string, string> = {};
for (const [id, per] of [
  ["all", false],
  ["each", true],
] as const) {
  const src = join(dir, `${id}.rubric`);
  writeFileSync(src, rubric(id, per));
  await rulers(["compile", src, "--out", join(dir, "bundles")]);
  bundles[id] = join(dir, `bundles/bench.${id}/1.0.0/bundle.json`);
}
const rowsFile = (n: number) => {
  const p = join(dir, `rows-${n}.jsonl`);
  writeFileSync(
    p,
    texts
      .slice(0, n)
      .map((t, i) => `${JSON.stringify({ id: `e${i}`, prompt: "Write a persuasive essay.", response: t })}\n`)
      .join(""),
  );
  return p;
};

async function judge(bundle: string, rows: number, label: string, asUsersRun = false): Promise<Stats> {
  const out = join(dir, `run-${label}.jsonl`);
  const s = await rulers(
    [
      "judge",
      "--bundle",
      bundle,
      "--input",
      rowsFile(rows),
      "--out",
      out,
      "--model",
      "m",
      "--base-url",
      baseURL,
      "--concurrency",
      String(CONCURRENCY),
      "--progress",
      "never",
    ],
    asUsersRun,
  );
  const records = readFileSync(out, "utf8").split("\n").filter(Boolean);
  const failed = records.filter((l) => JSON.parse(l).raw_score === null).length;
  if (records.length !== rows || failed) throw new Error(`${label}: ${records.length} records, ${failed} failed`);
  return s;
}

const line = (what: string, calls: number, verdicts: number, s: Stats) =>
  console.log(
    `${what}: ${((s.cpu_ms * 1000) / calls).toFixed(0)} µs CPU/call, ${((s.cpu_ms * 1000) / verdicts).toFixed(0)} µs CPU/verdict, peak RSS ${s.max_rss_mb.toFixed(0)} MB, GC ${((s.gc_ms / s.cpu_ms) * 100).toFixed(1)}% of CPU (${s.gc_count} collections), CPU ${(s.cpu_ms / 1000).toFixed(2)} s over ${(s.wall_ms / 1000).toFixed(1)} s wall; whole process ${s.proc_cpu_s.toFixed(2)} s CPU (user ${s.proc_user_s.toFixed(2)}, system ${s.proc_sys_s.toFixed(2)})`,
  );

/**
 * Start-up (issue 21): what a process pays before and around its first call, whole processes
 * under /usr/bin/time, median of 5 — a one-row `rulers judge` through bin/rulers.js (as users
 * run it, cache and run file on disk), `rulers --help`, and `import("rulers")` (wall ms, CPU, RSS).
 */
async function startup(): Promise<void> {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const five = async (args: string[], before = () => {}) => {
    const runs: Stats[] = [];
    for (let i = 0; i < 5; i++) {
      before();
      runs.push(await timed(process.execPath, args));
    }
    return {
      cpu: median(runs.map((r) => r.proc_cpu_s)),
      rss: median(runs.map((r) => r.proc_rss_mb)),
      wall_ms: median(runs.map((r) => r.wall_ms)),
      cpu_ms: median(runs.map((r) => r.cpu_ms)),
    };
  };
  const rows = join(dir, "rows-1.jsonl");
  const out = join(dir, "one.jsonl");
  writeFileSync(rows, `${JSON.stringify({ id: "e0", prompt: "Write a persuasive essay.", response: texts[0] })}\n`);
  const judgeArgs = ["judge", "--bundle", bundles.all!, "--input", rows, "--out", out, "--model", "m"];
  const one = await five(
    [join(root, "bin/rulers.js"), ...judgeArgs, "--base-url", baseURL, "--progress", "never"],
    // A fresh run each time: no cache to answer from.
    () => {
      for (const f of [out, `${out}.cache.jsonl`]) rmSync(f, { force: true });
    },
  );
  const bare = await five(["-e", "0"]);
  const help = await five([join(root, "bin/rulers.js"), "--help"]);
  const probe = join(dir, "import-root.mjs");
  writeFileSync(
    probe,
    `import { writeSync } from "node:fs";
const t = performance.now();
const c = process.cpuUsage();
await import(${JSON.stringify(pathToFileURL(join(root, "dist/index.js")).href)});
const d = process.cpuUsage(c);
writeSync(3, JSON.stringify({ wall_ms: performance.now() - t, cpu_ms: (d.user + d.system) / 1000 }));
`,
  );
  const imp = await five([probe]);
  console.log("start-up, whole processes, median of 5:");
  console.log(
    `  one-row rulers judge: ${one.cpu.toFixed(2)} s CPU, peak RSS ${one.rss.toFixed(0)} MB; rulers --help: ${help.cpu.toFixed(2)} s CPU; node doing nothing: ${bare.cpu.toFixed(2)} s CPU`,
  );
  console.log(
    `  import("rulers"): ${imp.wall_ms.toFixed(0)} ms wall, ${imp.cpu_ms.toFixed(0)} ms CPU for the import, process peak RSS ${imp.rss.toFixed(0)} MB`,
  );
}

// EXEC_CPU_ONLY=A or B runs that mode alone (for profiling); the job and promptfoo need both.
const only = process.env.EXEC_CPU_ONLY;
if (only === "startup" || !only) await startup();
if (only === "startup") {
  console.log(`load: ${(await import("node:child_process")).execSync("uptime").toString().trim()}`);
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
// What a call costs beyond start-up (loading, reading the bundle, first-use set-up such as
// compiling validators): the same run on one row, subtracted.
const beyond = (s: Stats, one: Stats, calls: number, oneCalls: number) =>
  console.log(
    `   start-up (a one-row run) ${(one.cpu_ms / 1000).toFixed(2)} s CPU; beyond it ${(((s.cpu_ms - one.cpu_ms) * 1000) / (calls - oneCalls)).toFixed(0)} µs CPU/call`,
  );
if (only !== "B") {
  const a = await judge(bundles.all!, 2000, "A");
  line("A  all criteria in one call, 2,000 calls", 2000, 20_000, a);
  beyond(a, await judge(bundles.all!, 1, "A1"), 2000, 1);
}
const b = only === "A" ? null : await judge(bundles.each!, 200, "B");
if (b) {
  line("B  one criterion per call,   2,000 calls", 2000, 2000, b);
  beyond(b, await judge(bundles.each!, 1, "B1"), 2000, 10);
}
if (only) {
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
/** The run whose whole-process CPU is the median of those given, and all their figures. */
function medianOf(got: Stats[]): { median: Stats; all: number[] } {
  const sorted = [...got].sort((x, y) => x.proc_cpu_s - y.proc_cpu_s);
  return { median: sorted[Math.floor(sorted.length / 2)]!, all: sorted.map((g) => g.proc_cpu_s) };
}
let jobRun = 0;
// A label per run: each run starts with no run file and no cache to answer from.
const rulersJob = () => judge(bundles.all!, 200, `jobA${jobRun++}`, true);
const JOB_RUNS = Number(process.env.JOB_RUNS ?? 7);
const PF_RUNS = Number(process.env.PF_RUNS ?? 3);

// promptfoo on the same job: the essay is the output (echo provider), one llm-rubric per criterion.
const pfHome = process.env.RULERS_PROMPTFOO_DIR ?? join(homedir(), ".cache", "rulers-tests", "promptfoo-0.118.0");
const pfBin = join(pfHome, "node_modules", ".bin", "promptfoo");
const pfDir = join(dir, "promptfoo");
let pfOnce: (() => Promise<Stats>) | null = null;
if (existsSync(pfBin)) {
  const yaml = (v: string) => JSON.stringify(v);
  const asserts = Array.from(
    { length: 10 },
    (_, i) =>
      `      - type: llm-rubric\n        value: ${yaml(`The essay meets requirement ${i}: it states a clear position and supports it.`)}`,
  ).join("\n");
  const tests = texts
    .slice(0, 200)
    .map((t) => `  - vars:\n      essay: ${yaml(t)}\n    assert:\n${asserts}`)
    .join("\n");
  rmSync(pfDir, { recursive: true, force: true });
  await import("node:fs").then((fs) => fs.mkdirSync(pfDir, { recursive: true }));
  writeFileSync(
    join(pfDir, "promptfooconfig.yaml"),
    `prompts:\n  - "{{essay}}"\nproviders:\n  - echo\ndefaultTest:\n  options:\n    provider:\n      id: openai:chat:m\n      config:\n        apiBaseUrl: ${baseURL}\ntests:\n${tests}\n`,
  );
  pfOnce = () =>
    timed(
      pfBin,
      [
        "eval",
        "-c",
        "promptfooconfig.yaml",
        "--no-cache",
        "-j",
        String(CONCURRENCY),
        "-o",
        "out.json",
        "--no-progress-bar",
      ],
      {
        ...process.env,
        OPENAI_API_KEY: "x",
        PROMPTFOO_CONFIG_DIR: join(pfDir, ".promptfoo"),
        PROMPTFOO_DISABLE_TELEMETRY: "1",
        PROMPTFOO_DISABLE_UPDATE: "1",
      },
      pfDir,
    );
} else console.log(`promptfoo: not installed at ${pfHome} (run tests/integrations/promptfoo.test.ts once); skipped`);

/**
 * The two tools' runs, interleaved: rulers' JOB_RUNS runs (default 7) spread evenly before,
 * between and after promptfoo's PF_RUNS (default 3). This VM slows down in spells of a few
 * seconds to a minute (whole runs take 10–40% more CPU); run back to back, rulers' half-second
 * runs could all fall in one spell while promptfoo's 12-second runs average over several. Each
 * tool's figure is the median of its runs.
 */
const jobStats: Stats[] = [];
const pfStats: Stats[] = [];
const slots = pfOnce ? PF_RUNS + 1 : 1;
for (let slot = 0; slot < slots; slot++) {
  const upTo = Math.round((JOB_RUNS * (slot + 1)) / slots);
  while (jobStats.length < upTo) jobStats.push(await rulersJob());
  if (pfOnce && slot < PF_RUNS) pfStats.push(await pfOnce());
}
const jobRuns = medianOf(jobStats);
const jobA = jobRuns.median;
let pf: Stats | null = null;
let pfAll: number[] = [];
if (pfOnce) {
  const pfRuns = medianOf(pfStats);
  pf = pfRuns.median;
  pfAll = pfRuns.all;
  const results = JSON.parse(readFileSync(join(pfDir, "out.json"), "utf8")).results.results as {
    gradingResult?: { componentResults?: unknown[] };
  }[];
  const graded = results.reduce((n, r) => n + (r.gradingResult?.componentResults?.length ?? 0), 0);
  if (graded !== 2000) throw new Error(`promptfoo graded ${graded} criteria, not 2,000`);
}

console.log("the job, 200 essays × 10 criteria, whole processes (start-up included):");
console.log(
  `  rulers, all criteria in one call (200 calls): ${jobA.proc_cpu_s.toFixed(2)} s CPU (median of ${jobRuns.all.map((x) => x.toFixed(2)).join(", ")}), peak RSS ${jobA.proc_rss_mb.toFixed(0)} MB`,
);
console.log(
  `  rulers, one criterion per call (2,000 calls): ${b!.proc_cpu_s.toFixed(2)} s CPU = ${((b!.proc_cpu_s * 1000) / 2000).toFixed(2)} ms/call, peak RSS ${b!.proc_rss_mb.toFixed(0)} MB`,
);
if (pf) {
  console.log(
    `  promptfoo 0.118.0, llm-rubric per criterion (2,000 calls): ${pf.proc_cpu_s.toFixed(2)} s CPU (median of ${pfAll.map((x) => x.toFixed(2)).join(", ")}) = ${((pf.proc_cpu_s * 1000) / 2000).toFixed(2)} ms/call, peak RSS ${pf.proc_rss_mb.toFixed(0)} MB`,
  );
  console.log(
    `  promptfoo / rulers: ${(pf.proc_cpu_s / jobA.proc_cpu_s).toFixed(1)}× the CPU of rulers' one-call job (target ≥ 20×), ${(pf.proc_cpu_s / b!.proc_cpu_s).toFixed(1)}× per call in one-criterion mode (target ≥ 5×)`,
  );
}
const { execSync } = await import("node:child_process");
console.log(`load: ${execSync("uptime").toString().trim()}`);
server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
rmSync(dir, { recursive: true, force: true });
