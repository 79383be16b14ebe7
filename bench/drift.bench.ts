/**
 * Drift speed (issue 5): `compareRuns` (what `rulers drift --from-runs` does after reading)
 * over 100,000 paired items in 10 slices with response features, plus the JSONL reading; and
 * the semantic diff of two 500-criterion rubrics with the risk scan.
 * Run: npm run bench drift
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSource } from "../dist/compile/index.js";
import { compareRuns, diffRubrics, riskFindings } from "../dist/drift/index.js";
import { readJsonl } from "../dist/util/jsonl.js";

const N = 100_000;
const dir = mkdtempSync(join(tmpdir(), "rulers-drift-bench-"));
const words = "the answer explains the steps clearly and may mention caveats where needed".split(" ");
const base: string[] = [];
const cand: string[] = [];
const probe: string[] = [];
for (let i = 0; i < N; i++) {
  const a = words.slice(0, 3 + (i % 9)).join(" ");
  const b = words.slice(0, 3 + ((i * 7) % 11)).join(" ");
  const pb = i % 3 === 0 ? "A" : i % 3 === 1 ? "B" : "tie";
  const pc = i % 10 === 0 ? (pb === "A" ? "B" : "A") : pb;
  base.push(JSON.stringify({ item_id: `i${i}`, preferred: pb, raw_score: pb === "A" ? 1 : pb === "B" ? 0 : 0.5 }));
  cand.push(JSON.stringify({ item_id: `i${i}`, preferred: pc, raw_score: pc === "A" ? 1 : pc === "B" ? 0 : 0.5 }));
  probe.push(JSON.stringify({ id: `i${i}`, domain: `d${i % 10}`, response_a: a, response_b: b }));
}
const paths = ["base", "cand", "probe"].map((n) => join(dir, `${n}.jsonl`));
writeFileSync(paths[0]!, base.join("\n"));
writeFileSync(paths[1]!, cand.join("\n"));
writeFileSync(paths[2]!, probe.join("\n"));

const t0 = performance.now();
const read = (p: string) => readJsonl(p).rows.map((r) => r.value as { item_id: string });
const b = read(paths[0]!), c = read(paths[1]!);
const rows = readJsonl(paths[2]!).rows;
const probeMap = new Map(rows.map((r) => [(r.value as { id: string }).id, r.value as Record<string, unknown>]));
const report = compareRuns(b, c, { probe: probeMap, sliceBy: "domain", maxFlipRate: 0.1, alpha: 0.05 });
const ms = performance.now() - t0;
console.log(`drift --from-runs: ${N} paired items, ${Object.keys(report.slices).length} slices, features: ${ms.toFixed(0)} ms including reading 3 JSONL files (target < 3000 ms); ${report.overall.flips} flips`);
rmSync(dir, { recursive: true, force: true });

const rubric = (n: number, edit: boolean) => [
  `rubric bench.big version ${edit ? "1.1.0" : "1.0.0"}`,
  `input response "The answer", quotable`,
  `scale 1 to 10`,
  `instructions "Judge each criterion on its own.${edit ? " Prefer the more concise answer when tied." : ""}"`,
  ...Array.from({ length: n }, (_, i) => `criterion c${i} "Criterion ${i}"\n  binary\n  "The response ${edit && i % 50 === 0 ? "always " : ""}addresses requirement ${i} of the task with specific, correct detail."\n  weight ${edit && i % 100 === 0 ? 3 : 1}\nend`),
].join("\n");
const a = compileSource(rubric(500, false), "a.rubric").ir!;
const src = rubric(500, true);
const bIr = compileSource(src, "b.rubric").ir!;
const t1 = performance.now();
const d = diffRubrics(a, bIr);
const findings = riskFindings(d, src);
console.log(`diff of two 500-criterion rubrics with risk scan: ${(performance.now() - t1).toFixed(0)} ms (target < 1000 ms); ${d.criteria.filter((x) => x.status !== "unchanged").length} criteria changed, ${findings.length} findings`);
