/**
 * Batch speed (issue 8) on the compiled CLI: `rulers batch prepare` and `rulers batch ingest`
 * for N items of a 10-criterion rubric (N = 100,000 by default; ITEMS=1000000 for the full
 * run), each in its own process so peak memory is measured per command (maxRSS).
 * Run: npm run bench batch
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { buildBundle } from "../dist/bundle/build.js";
import { writeBundle } from "../dist/bundle/file.js";
import { compileSource } from "../dist/compile/index.js";
import { answerFor } from "../tests/helpers/scripted-judge.js";
import { generatedEssays, realData } from "./data.js";

const N = Number(process.env.ITEMS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "rulers-batch-bench-"));
const src = `rubric bench.batch version 1.0.0
input prompt "The task"
input response "The answer", quotable
scale 1 to 6
${Array.from({ length: 10 }, (_, i) => `criterion c${i} "Criterion ${i}"\n  binary\n  "The response meets requirement ${i}."\n  evidence at least 1 quote from response, at most 40 words\nend`).join("\n")}
aggregate weighted mean`;
const bundlePath = writeBundle(join(dir, "bundles"), buildBundle(compileSource(src, "b.rubric").ir!));
// Whole real essays (issue 21: curly quotes, long texts), cycled: ~12,500 ASAP essays in the five
// folds, 1,260 characters on average; generated essays when the data is absent.
const folds = [0, 1, 2, 3, 4].map((i) => realData(`asap/folds/fold_${i}_test.tsv`, "generated essays"));
const texts = folds.every((f) => f !== null)
  ? folds.flatMap((f) => essayColumn(readFileSync(f!, "utf8")))
  : generatedEssays(12_000, 2);
const rowsPath = join(dir, "rows.jsonl");
{
  const s = createWriteStream(rowsPath);
  for (let i = 0; i < N; i++) {
    if (
      !s.write(
        `${JSON.stringify({ id: `i${i}`, prompt: "Write a persuasive essay.", response: texts[i % texts.length] })}\n`,
      )
    )
      await once(s, "drain");
  }
  s.end();
  await once(s, "finish");
  settle(rowsPath);
}

/**
 * Flushes a set-up file (the rows, the results) to disk before a timed command starts: else the
 * kernel is still writing back the bench's own hundred-odd megabytes while the command writes its
 * gigabyte, and the command's system time pays for both.
 */
function settle(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The `essay` column of an ASAP TSV (fields may be double-quoted, with "" escapes). */
function essayColumn(tsv: string): string[] {
  const lines = tsv.split(/\r?\n/);
  const col = lines[0]!.split("\t").indexOf("essay");
  return lines
    .slice(1)
    .map((l) => l.split("\t")[col] ?? "")
    .map((f) => (f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f))
    .filter((e) => e.length > 200);
}

function run(args: string[]): { secs: number; cpu: number; user: number; rssMb: number; stderr: string } {
  const t = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", process.execPath, "bin/rulers.js", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const secs = (performance.now() - t) / 1000;
  const lines = r.stderr.trim().split("\n");
  if (r.status !== 0) throw new Error(`rulers ${args[0]} ${args[1]} failed: ${r.stderr.slice(-2000)}`);
  const [user, sys, rss] = lines[lines.length - 1]!.split(" ").map(Number);
  return { secs, cpu: user! + sys!, user: user!, rssMb: rss! / 1024, stderr: r.stderr };
}

const requests = join(dir, "requests.jsonl");
const p = run([
  "batch",
  "prepare",
  "--bundle",
  bundlePath,
  "--input",
  rowsPath,
  "--out",
  requests,
  "--model",
  "m",
  "--max-lines",
  "1000000000",
  "--max-bytes",
  "100000000000",
]);
console.log(
  `prepare: ${N} items in ${p.secs.toFixed(1)} s = ${(N / p.secs).toFixed(0)} items/s (target ≥ 20,000/s); CPU ${p.cpu.toFixed(1)} s (user ${p.user.toFixed(1)}) = ${(N / p.cpu).toFixed(0)} items per CPU second; peak RSS ${p.rssMb.toFixed(0)} MB (target < 1 GB); requests ${(statSync(requests).size / 1e6).toFixed(0)} MB`,
);

// The provider's answers, written outside the timed part (streamed: the requests file is GBs).
const results = join(dir, "results.jsonl");
{
  const out = createWriteStream(results);
  let i = 0;
  for await (const text of createInterface({ input: createReadStream(requests), crlfDelay: Infinity })) {
    if (!text) continue;
    const req = JSON.parse(text);
    const content = JSON.stringify(
      answerFor(req.body, {
        quote: (_id, inputs) => ({ input: "response", quote: inputs.response!.split(" ").slice(10, 30).join(" ") }),
      }),
    );
    const line = JSON.stringify({
      id: `b${i++}`,
      custom_id: req.custom_id,
      response: {
        status_code: 200,
        body: {
          model: "m",
          choices: [{ message: { content }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        },
      },
      error: null,
    });
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  settle(results);
}
const ing = run([
  "batch",
  "ingest",
  "--bundle",
  bundlePath,
  "--input",
  rowsPath,
  "--results",
  results,
  "--out",
  join(dir, "run.jsonl"),
  "--model",
  "m",
]);
console.log(
  `ingest: ${N} items in ${ing.secs.toFixed(1)} s = ${(N / ing.secs).toFixed(0)} items/s with evidence verification (target ≥ 5,000/s), peak RSS ${ing.rssMb.toFixed(0)} MB (target < 1 GB)`,
);
rmSync(dir, { recursive: true, force: true });
