/**
 * Drift speed (issue 5). Targets: `rulers drift --from-runs` over 100,000 paired items in 10
 * slices in under 3 s (reading three JSONL files, pairing, slices, exact tests, response
 * features, the JSON document); `rulers diff` of two 500-criterion rubrics in under 1 s (with the
 * risk scan and source locations), also in the worst case where every criterion is re-worded and
 * renamed, so the rename search compares 500 × 500 texts.
 * Run: npm run bench drift   (or: npx tsx bench/drift.bench.ts)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSource } from "../src/compile/index.js";
import { compareRuns, diffRubrics, driftJson, type Rec } from "../src/drift/index.js";
import { readJsonl, rowId } from "../src/util/jsonl.js";

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
  const crit = (v: string) => [
    {
      id: "helpful",
      verdict: v,
      rationale: "because",
      evidence: [{ quote: a.slice(0, 20), verified: true, match: "exact", start: 0, end: 20 }],
      status: "ok",
    },
  ];
  base.push(
    JSON.stringify({
      item_id: `i${i}`,
      bundle: { id: "b", version: "1.0.0", hash: "sha256:a" },
      judge: { model: "m" },
      preferred: pb,
      raw_score: pb === "A" ? 1 : pb === "B" ? 0 : 0.5,
      criteria: crit(pb),
    }),
  );
  cand.push(
    JSON.stringify({
      item_id: `i${i}`,
      bundle: { id: "b", version: "1.1.0", hash: "sha256:b" },
      judge: { model: "m" },
      preferred: pc,
      raw_score: pc === "A" ? 1 : pc === "B" ? 0 : 0.5,
      criteria: crit(pc),
    }),
  );
  probe.push(JSON.stringify({ id: `i${i}`, domain: `d${i % 10}`, response_a: a, response_b: b }));
}
const paths = ["base", "cand", "probe"].map((n) => join(dir, `${n}.jsonl`));
writeFileSync(paths[0]!, base.join("\n"));
writeFileSync(paths[1]!, cand.join("\n"));
writeFileSync(paths[2]!, probe.join("\n"));

for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  const read = (p: string) => readJsonl(p).rows.map((r) => r.value as Rec);
  const b = read(paths[0]!);
  const c = read(paths[1]!);
  const rows = readJsonl(paths[2]!).rows;
  const probeMap = new Map(rows.map((r) => [rowId(r.value, r.line), r.value as Record<string, unknown>]));
  const t1 = performance.now();
  const report = compareRuns(b, c, { probe: probeMap, sliceBy: "domain", maxFlipRate: 0.1, alpha: 0.05 });
  const t2 = performance.now();
  const json = JSON.stringify(driftJson(report));
  const t3 = performance.now();
  console.log(
    `drift --from-runs, ${N} paired items, ${Object.keys(report.slices).length} slices, features, JSON: ${(t3 - t0).toFixed(0)} ms (read ${(t1 - t0).toFixed(0)}, compare ${(t2 - t1).toFixed(0)}, JSON ${(t3 - t2).toFixed(0)}; ${(json.length / 1e6).toFixed(1)} MB) — target < 3000 ms; ${report.overall.flips} flips`,
  );
}
rmSync(dir, { recursive: true, force: true });

const rubric = (n: number, edit: "none" | "some" | "all") =>
  [
    `rubric bench.big version ${edit === "none" ? "1.0.0" : "1.1.0"}`,
    `input response "The answer", quotable`,
    `scale 1 to 10`,
    `instructions "Judge each criterion on its own. Do not let the length of the answer influence you.${edit !== "none" ? " Prefer the more concise answer when tied." : ""}"`,
    ...Array.from({ length: n }, (_, i) => {
      const id = edit === "all" ? `k${i}` : `c${i}`;
      const always = (edit === "some" && i % 50 === 0) || edit === "all" ? "always " : "";
      const weight = edit === "some" && i % 100 === 0 ? 3 : 1;
      return `criterion ${id} "Criterion ${i}"\n  binary\n  "The response ${always}addresses requirement ${i} of the task with specific, correct detail${edit === "all" ? ", and if the user asks, cites a source" : ""}."\n  weight ${weight}\nend`;
    }),
  ].join("\n");
const a = compileSource(rubric(500, "none"), "a.rubric").ir!;
for (const edit of ["some", "all"] as const) {
  const src = rubric(500, edit);
  const bIr = compileSource(src, "b.rubric").ir!;
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    const d = diffRubrics(a, bIr, { newSource: src });
    console.log(
      `diff of two 500-criterion rubrics (${edit === "some" ? "5 re-weighted, 10 re-worded" : "all renamed and re-worded"}) with risk scan and source lines: ${(performance.now() - t).toFixed(0)} ms — target < 1000 ms; ${d.criteria.filter((x) => x.status !== "unchanged").length} criteria changed, ${d.risk.length} findings`,
    );
  }
}
