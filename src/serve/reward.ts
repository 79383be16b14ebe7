/**
 * From run records to rewards. The policy is fail-closed: an item that could not be judged
 * never gets a made-up number. Either the server (or the request) names a floor for failed
 * items, and every floored item is listed beside the rewards, or the whole request fails with
 * `items_failed`. Calibration, when asked for, maps the raw score onto the human scale with a
 * calibrator fitted for exactly this bundle and judge model.
 */
import { applyCalibrator } from "../api/calibrator.js";
import type { Calibrator } from "../calibrate/index.js";
import type { RunRecord } from "../record/index.js";
import type { ServedBundle } from "./bundles.js";

export type ScoreKind = "raw" | "calibrated";

/** The record with `calibrated_score` and `calibrator` added, or the reason it cannot be. */
export function calibrated(
  cal: Calibrator,
  record: RunRecord,
): { record: RunRecord; problem?: undefined } | { record: RunRecord; problem: string } {
  // The same step as `rulers judge --calibrator`; a record without a score has nothing to calibrate.
  if (typeof record.raw_score !== "number") return { record };
  const r = applyCalibrator(cal, record);
  return r.skipped === null ? { record: r.record } : { record, problem: r.skipped };
}

/** The range rewards are normalised from: the human scale when calibrated, else the rubric's. */
export function rewardRange(served: ServedBundle, kind: ScoreKind): [number, number] {
  if (kind === "calibrated" && served.calibrator) {
    const s = served.calibrator.body.human_scale;
    return [s.min, s.max];
  }
  const ir = served.bundle.body.rubric;
  if (ir.mode.kind === "pairwise" || ir.scale.kind === "pass_fail") return [0, 1];
  return [ir.scale.min, ir.scale.max];
}

/** The reward for one judged record, or why it has none. */
export function rewardOf(
  record: RunRecord,
  kind: ScoreKind,
  range: [number, number] | null,
): { reward: number } | { problem: string } {
  const score = kind === "calibrated" ? record.calibrated_score : record.raw_score;
  if (typeof score !== "number" || !Number.isFinite(score))
    return { problem: typeof record.error === "string" ? record.error : `no ${kind} score` };
  if (!range) return { reward: score };
  const [lo, hi] = range;
  return { reward: hi === lo ? 0 : (score - lo) / (hi - lo) };
}
