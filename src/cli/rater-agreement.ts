/**
 * `rulers agree --labels A --against B`: agreement between two raters' label files (as
 * `rulers review --rater` writes them), on the items both labelled. Pairwise labels A / tie / B
 * are read as 1 / ½ / 0, so weighted kappas respect their order.
 */
import {
  agreement,
  confusionLines,
  type HumanScale,
  inferScale,
  metricLines,
  parseScale,
  readLabels,
} from "../calibrate/index.js";
import { CliError, writeErr, writeOut } from "./io.js";

const PREF: Record<string, number> = { A: 1, tie: 0.5, B: 0 };

function numeric(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, v] of readLabels(path, { kind: "any" })) {
    const n = typeof v === "number" ? v : PREF[v];
    if (n === undefined)
      throw new CliError(`${path}: item \`${id}\` has label \`${v}\`, neither a number nor A, B or tie`);
    out.set(id, n);
  }
  return out;
}

export function raterAgreement(
  aPath: string,
  bPath: string,
  opts: { scale?: string | undefined; resamples: number; seed: number; json: boolean },
): number {
  const a = numeric(aPath);
  const b = numeric(bPath);
  const both = [...a.keys()].filter((id) => b.has(id));
  if (both.length < 2)
    throw new CliError(
      `\`${aPath}\` and \`${bPath}\` share ${both.length} labelled item${both.length === 1 ? "" : "s"}; need at least 2`,
    );
  const gold = both.map((id) => a.get(id)!);
  const pred = both.map((id) => b.get(id)!);
  let scale: HumanScale;
  try {
    scale = opts.scale ? parseScale(opts.scale) : inferScale([...gold, ...pred]);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const report = agreement(pred, gold, scale, { resamples: opts.resamples, seed: opts.seed });
  const only = a.size + b.size - 2 * both.length;
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
