/**
 * `rulers agree --labels A --against B`: agreement between two raters' label files, computed by
 * the library (api/agree.ts raterAgreement) and printed here.
 */
import { raterAgreement as agreementOf, confusionLines, metricLines } from "../api/agree.js";
import { writeErr, writeOut } from "./io.js";

export function raterAgreement(
  aPath: string,
  bPath: string,
  opts: { scale?: string | undefined; resamples: number; seed: number; json: boolean },
): number {
  const {
    report,
    scale,
    oneRaterOnly: only,
  } = agreementOf(aPath, bPath, {
    scale: opts.scale,
    resamples: opts.resamples,
    seed: opts.seed,
  });
  if (only) writeErr(`${only} item${only === 1 ? "" : "s"} labelled by one rater only left out`);
  if (opts.json) {
    writeOut(
      JSON.stringify({
        n: report.n,
        raters: [aPath, bPath],
        scale: report.scale,
        metrics: report.metrics,
        confusion: report.confusion,
      }),
    );
    return 0;
  }
  writeOut(
    `${report.n} items labelled by both raters (rows: ${aPath}, columns: ${bPath}), scale ${scale.min}..${scale.max} step ${scale.step}`,
  );
  for (const line of [...metricLines(report), ...confusionLines(report.confusion, aPath, bPath)]) writeOut(line);
  return 0;
}
