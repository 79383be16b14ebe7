/**
 * Fitting a calibrator from a run and human labels, as `rulers calibrate` does: a map from the
 * judge's raw scores onto the human scale, hashed and tied to the run's bundle and judge model,
 * with cross-validated QWK (raw vs calibrated) when asked for folds.
 */
import {
  agreement,
  type Calibrator,
  crossValidated,
  type FeatureSet,
  fitCalibrator,
  type HumanScale,
  inferScale,
  join,
  type Method,
  parseScale,
  readLabels,
  readRun,
  snap,
} from "../calibrate/index.js";
import { RulersError } from "../util/errors.js";

export { serializeCalibrator } from "../calibrate/index.js";

export interface CalibrateOptions {
  /** The run file (JSONL records). */
  readonly run: string;
  /** Human labels: JSONL `{item_id, label}` or CSV `item_id,label`. */
  readonly labels: string;
  readonly method: Method;
  readonly features?: readonly FeatureSet[];
  /** `MIN..MAX[:STEP]` or a scale; default: inferred from the labels. */
  readonly scale?: string | HumanScale;
  /** Also report K-fold cross-validated QWK (K ≥ 2). */
  readonly folds?: number;
  /** Failed items left out; default: stderr. */
  readonly onWarning?: (message: string) => void;
}

export interface Calibrated {
  readonly calibrator: Calibrator;
  /** Labelled items the map was fitted on. */
  readonly pairs: number;
  readonly scale: HumanScale;
  /** With `folds`: QWK of the raw scores and of the held-out calibrated ones (null when undefined). */
  readonly crossValidated?: {
    readonly folds: number;
    readonly rawQwk: number | null;
    readonly calibratedQwk: number | null;
  };
}

function scaleOf(given: string | HumanScale | undefined, labels: readonly number[]): HumanScale {
  if (given !== undefined && typeof given !== "string") return given;
  try {
    return given ? parseScale(given) : inferScale(labels);
  } catch (err) {
    throw new RulersError((err as Error).message, { code: "data" });
  }
}

/** Fit a calibrator on every labelled item of the run. */
export function calibrateRun(opts: CalibrateOptions): Calibrated {
  const { items, failures } = readRun(opts.run);
  const labels = readLabels(opts.labels);
  const data = join(items, labels, { failedIds: failures.ids });
  if (failures.total) (opts.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`)))(failures.describe());
  const scale = scaleOf(
    opts.scale,
    data.map((d) => d.label),
  );
  const features = [...(opts.features ?? [])];
  const calibrator = fitCalibrator(data, opts.method, scale, features);
  if (opts.folds === undefined) return { calibrator, pairs: data.length, scale };
  if (!(Number.isInteger(opts.folds) && opts.folds >= 2))
    throw new RulersError(`folds must be a whole number ≥ 2, got ${opts.folds}`, { code: "usage" });
  const cv = crossValidated(data, opts.folds, opts.method, scale, features);
  const gold = data.map((d) => d.label);
  const raw = data.map((d) => snap(scale, d.item.record.raw_score as number));
  const q = (pred: number[]) => agreement(pred, gold, scale, { resamples: 0 }).metrics.qwk.value ?? null;
  return {
    calibrator,
    pairs: data.length,
    scale,
    crossValidated: { folds: opts.folds, rawQwk: q(raw), calibratedQwk: q(cv) },
  };
}
