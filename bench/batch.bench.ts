/**
 * Batch speed (issue 8) on the compiled CLI: `rulers batch prepare` and `rulers batch ingest`
 * for N items of a 10-criterion rubric (N = 100,000 by default; ITEMS=1000000 for the full
 * run), each in its own process so peak memory is measured per command (maxRSS).
 * Run: npm run bench batch
 */
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { buildBundle } from "../dist/bundle/build.js";
import { writeBundle } from "../dist/bundle/file.js";
import { compileSource } from "../dist/compile/index.js";
import { answerFor } from "../tests/helpers/scripted-judge.js";
import { generatedWords, realData } from "./data.js";

const N = Number(process.env.ITEMS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "rulers-batch-bench-"));
const src = `rubric bench.batch version 1.0.0
input prompt "The task"
input response "The answer", quotable
scale 1 to 6
${Array.from({ length: 10 }, (_, i) => `criterion c${i} "Criterion ${i}"\n  binary\n  "The response meets requirement ${i}."\n  evidence at least 1 quote from response, at most 40 words\nend`).join("\n")}
aggregate weighted mean`;
const bundlePath = writeBundle(join(dir, "bundles"), buildBundle(compileSource(src, "b.rubric").ir!));
const wordsPath = realData("asap/folds/fold_2_test.tsv", "generated essay-like words");
const words = wordsPath
  ? readFileSync(wordsPath, "latin1")
      .split(/\s+/)
      .filter((w) => /^[A-Za-z,.]+$/.test(w))
  : generatedWords(400_000, 2);
const rowsPath = join(dir, "rows.jsonl");
{
  const s = createWriteStream(rowsPath);
  for (let i = 0; i < N; i++) {
    const at = (i * 131) % (words.length - 120);
    if (
      !s.write(
        JSON.stringify({ id: `i${i}`, prompt: "Write an essay.", response: words.slice(at, at + 120).join(" ") }) +
          "\n",
      )
    )
      await once(s, "drain");
  }
  s.end();
  await once(s, "finish");
}

function run(args: string[]): { secs: number; rssMb: number; stderr: string } {
  const t = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "bin/rulers.js", ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const secs = (performance.now() - t) / 1000;
  const lines = r.stderr.trim().split("\n");
  if (r.status !== 0) throw new Error(`rulers ${args[0]} ${args[1]} failed: ${r.stderr.slice(-2000)}`);
  return { secs, rssMb: Number(lines[lines.length - 1]) / 1024, stderr: r.stderr };
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
  `prepare: ${N} items in ${p.secs.toFixed(1)} s = ${(N / p.secs).toFixed(0)} items/s (target ≥ 20,000/s), peak RSS ${p.rssMb.toFixed(0)} MB (target < 1 GB)`,
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
