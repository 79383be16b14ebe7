/**
 * Calibration speed (issue 4) on 100,000 pairs resampled from real data — ASAP essay set 4,
 * GPT-3.5's scores against human rater 1 — with the raw score jittered so the maps see many
 * distinct values: fitting each calibrator, and `agree` with 1,000 bootstrap resamples.
 * Run: npm run bench calibrate
 */
import { readFileSync } from "node:fs";
import { agreement, fitCalibrator, type Joined, type Method, ontoScale, prng, snap } from "../dist/calibrate/index.js";
import { parseCsv } from "../tests/helpers/csv.js";
import { realData } from "./data.js";

// The whole published file when present, else the 322-row cut vendored for the tests: the same
// judge and raters, so the resampled pairs have the same joint distribution up to sampling error.
const csvPath =
  realData(
    "asap/llm_gpt35_set4/EssaySet4_assessment_results_by_rubric.csv",
    "the 322-row cut in tests/fixtures/asap-gpt35-set4",
  ) ?? "tests/fixtures/asap-gpt35-set4/scores.csv";
const rows = parseCsv(readFileSync(csvPath, "utf8")).filter(
  (r) => /^\d$/.test(r.domain1_Score_gpt ?? "") && /^\d$/.test(r.rater1_domain1 ?? ""),
);
const N = 100_000;
const rand = prng(7);
const data: Joined[] = Array.from({ length: N }, (_, i) => {
  const r = rows[Math.floor(rand() * rows.length)]!;
  const raw = Number(r.domain1_Score_gpt) + (rand() - 0.5) * 0.9;
  return {
    item: {
      item_id: `i${i}`,
      line: i + 1,
      record: {
        item_id: `i${i}`,
        line: i + 1,
        raw_score: raw,
        flags: [],
        bundle: { id: "b", version: "1", hash: "sha256:x" },
        judge: { model: "gpt-3.5" },
      } as unknown as Joined["item"]["record"],
    },
    label: Number(r.rater1_domain1),
  };
});
const scale = { min: 0, max: 3, step: 1 };

for (const method of ["ot", "isotonic", "thresholds"] as Method[]) {
  const t0 = performance.now();
  const cal = fitCalibrator(data, method, scale);
  console.log(
    `fit ${method.padEnd(10)} on ${N} pairs: ${(performance.now() - t0).toFixed(0)} ms (target < 1000 ms); map has ${cal.body.map.kind === "piecewise" ? `${cal.body.map.xs.length} points` : `${cal.body.map.cuts.length} cuts`}`,
  );
}
const pred = data.map((d) => snap(scale, d.item.record.raw_score as number));
const gold = data.map((d) => d.label);
const t0 = performance.now();
const rep = agreement(pred, gold, scale, { resamples: 1000, seed: 1 });
console.log(
  `agree: ${N} items, 10 metrics, 1,000 bootstrap resamples: ${(performance.now() - t0).toFixed(0)} ms (target < 5000 ms); QWK ${rep.metrics.qwk.value!.toFixed(3)} [${rep.metrics.qwk.ci![0].toFixed(3)}, ${rep.metrics.qwk.ci![1].toFixed(3)}]`,
);

// Issue 12: raw scores on a 0.01 grid reaching past the label scale (-0.5..3.5), as `agree` gets them.
{
  const raw = data.map((d) => Math.round(((d.item.record.raw_score as number) * 1.2 - 0.3) * 100) / 100);
  const t1 = performance.now();
  const onto = ontoScale(scale, raw);
  const r = agreement(onto.values, gold, scale, { resamples: 1000, seed: 1 });
  console.log(
    `agree on a 0.01 grid outside the scale: ${N} items, 1,000 resamples: ${(performance.now() - t1).toFixed(0)} ms (target < 5000 ms); ${onto.rounded} rounded, ${onto.clamped} clamped; QWK ${r.metrics.qwk.value!.toFixed(3)}`,
  );
}
