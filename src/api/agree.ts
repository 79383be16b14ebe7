/**
 * Agreement between a run and human labels, as `rulers agree` reports it: the scores compared
 * are a calibrator's, cross-validated fits' (each item scored by a map that did not see it), the
 * run's calibrated scores, or its raw scores; then mapped onto the labels' own categories.
 */
import {
  type AgreementReport,
  agreement,
  calibrate,
  checkCompatible,
  crossValidated,
  type FeatureSet,
  type HumanScale,
  inferScale,
  join,
  type Method,
  ontoScale,
  parseScale,
  readCalibrator,
  readLabels,
  readRun,
} from "../calibrate/index.js";
import { RulersError } from "../util/errors.js";

export interface AgreeOptions {
  readonly run: string;
  readonly labels: string;
  /** Score with this calibrator (refused when fitted for another bundle or judge, unless `force`). */
  readonly calibrator?: string;
  readonly force?: boolean;
  /** Cross-validated fitting with K folds instead of a calibrator. */
  readonly folds?: number;
  readonly method?: Method;
  readonly features?: readonly FeatureSet[];
  /** `raw` compares raw scores even when the run carries calibrated ones. */
  readonly use?: "raw" | "calibrated";
  /** The label scale; default: inferred from the labels. */
  readonly scale?: HumanScale;
  readonly resamples?: number;
  readonly seed?: number;
  /** Items left out (failed judgments); default: stderr. */
  readonly onWarning?: (message: string) => void;
}

export interface Agreement {
  readonly report: AgreementReport;
  /** Which scores were compared, in words. */
  readonly source: string;
  readonly scale: HumanScale;
  /** Judge scores rounded to the nearest label category, and clamped to the scale's ends. */
  readonly mapping: { readonly rounded: number; readonly clamped: number };
}

export function agree(opts: AgreeOptions): Agreement {
  if (opts.calibrator !== undefined && opts.folds !== undefined)
    throw new RulersError("give either `calibrator` (a fitted map) or `folds` (cross-validated fitting), not both", {
      code: "usage",
    });
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
  const { items, failures } = readRun(opts.run);
  const labels = readLabels(opts.labels);
  const data = join(items, labels, { failedIds: failures.ids });
  if (failures.total) warn(failures.describe());
  if (data.length === 0) throw new RulersError("no labelled, scored items to compare", { code: "data" });
  let human: HumanScale;
  try {
    human = opts.scale ?? inferScale(data.map((d) => d.label));
  } catch (err) {
    throw new RulersError((err as Error).message, { code: "data" });
  }
  let pred: number[];
  let source: string;
  if (opts.folds !== undefined) {
    const method = opts.method ?? "ot";
    pred = crossValidated(data, opts.folds, method, human, [...(opts.features ?? [])]);
    source = `${opts.folds}-fold cross-validated ${method} calibration`;
  } else if (opts.calibrator !== undefined) {
    const cal = readCalibrator(opts.calibrator);
    pred = data.map((d) => {
      const problem = checkCompatible(cal, d.item.record);
      if (problem && !opts.force)
        throw new RulersError(`${problem}; pass --force to use it anyway`, { code: "calibrator_mismatch" });
      return calibrate(cal, d.item.record);
    });
    source = `calibrator ${cal.hash.slice(0, 19)}…`;
  } else {
    const useCal = opts.use !== "raw" && data.every((d) => typeof d.item.record.calibrated_score === "number");
    pred = data.map((d) => (useCal ? d.item.record.calibrated_score : d.item.record.raw_score) as number);
    source = useCal ? "calibrated_score" : "raw_score";
  }
  // Scores on another range or a finer grid are compared over the label scale's categories.
  const onto = ontoScale(human, pred);
  const report = agreement(
    onto.values,
    data.map((d) => d.label),
    human,
    { resamples: opts.resamples ?? 1000, seed: opts.seed ?? 20260101 },
  );
  return { report, source, scale: human, mapping: { rounded: onto.rounded, clamped: onto.clamped } };
}

export { confusionLines, metricLines } from "../calibrate/index.js";

const PREF: Record<string, number> = { A: 1, tie: 0.5, B: 0 };

function numericLabels(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, v] of readLabels(path, { kind: "any" })) {
    const n = typeof v === "number" ? v : PREF[v];
    if (n === undefined)
      throw new RulersError(`${path}: item \`${id}\` has label \`${v}\`, neither a number nor A, B or tie`, {
        code: "data",
      });
    out.set(id, n);
  }
  return out;
}

export interface RaterAgreement {
  /** Rows: the first rater; columns: the second. */
  readonly report: AgreementReport;
  readonly scale: HumanScale;
  /** Items only one rater labelled (left out). */
  readonly oneRaterOnly: number;
}

/**
 * Agreement between two raters' label files (as `rulers review --rater` writes them), on the
 * items both labelled. Pairwise labels A / tie / B are read as 1 / ½ / 0, so weighted kappas
 * respect their order.
 */
export function raterAgreement(
  a: string,
  b: string,
  opts: { readonly scale?: string | HumanScale | undefined; readonly resamples?: number; readonly seed?: number } = {},
): RaterAgreement {
  const first = numericLabels(a);
  const second = numericLabels(b);
  const both = [...first.keys()].filter((id) => second.has(id));
  if (both.length < 2)
    throw new RulersError(
      `\`${a}\` and \`${b}\` share ${both.length} labelled item${both.length === 1 ? "" : "s"}; need at least 2`,
      { code: "data" },
    );
  const gold = both.map((id) => first.get(id)!);
  const pred = both.map((id) => second.get(id)!);
  let scale: HumanScale;
  try {
    scale =
      typeof opts.scale === "object"
        ? opts.scale
        : opts.scale
          ? parseScale(opts.scale)
          : inferScale([...gold, ...pred]);
  } catch (err) {
    throw new RulersError((err as Error).message, { code: "data" });
  }
  const report = agreement(pred, gold, scale, { resamples: opts.resamples ?? 1000, seed: opts.seed ?? 20260101 });
  return { report, scale, oneRaterOnly: first.size + second.size - 2 * both.length };
}
