/**
 * Adding calibrated scores to records. Apart from analysis.ts so that judging with a
 * calibrator does not load the compiler and the drift code that diff and drift need.
 */
import { type Calibrator, calibrate, checkCompatible } from "../calibrate/index.js";
import type { RunRecord } from "../record/index.js";
import { extend } from "../util/extend.js";

/**
 * A record with `calibrated_score` added, or the record unchanged (with the reason) when the
 * calibrator was fitted for another bundle or judge model, or the record has no score.
 */
export function applyCalibrator(cal: Calibrator, record: RunRecord): { record: RunRecord; skipped: string | null } {
  if (typeof record.raw_score !== "number") return { record, skipped: "the record has no raw score" };
  const problem = checkCompatible(cal, record);
  if (problem) return { record, skipped: problem };
  return { record: extend(record, { calibrated_score: calibrate(cal, record), calibrator: cal.hash }), skipped: null };
}

/** `applyCalibrator`, with a mismatch worth a word (a scored record it cannot calibrate) sent to `warn`. */
export function calibrateRecord(cal: Calibrator, r: RunRecord, warn: (message: string) => void): RunRecord {
  const { record, skipped } = applyCalibrator(cal, r);
  // A record without a score has nothing to calibrate; only a real mismatch is worth a word.
  if (skipped && typeof r.raw_score === "number") warn(`not calibrating \`${r.item_id}\`: ${skipped}`);
  return record;
}
