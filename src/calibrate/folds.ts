/**
 * Cross-validated agreement: each item's calibrated score comes from a calibrator fitted on
 * the other folds, so no reported number is in-sample. Folds are assigned by a hash of the
 * item id, so they do not depend on row order.
 */
import { bucketOf } from "../util/buckets.js";
import { calibrate, fitCalibrator, type Method } from "./calibrator.js";
import type { HumanScale } from "./categories.js";
import type { FeatureSet, Joined } from "./data.js";

export const foldOf = bucketOf;

export function crossValidated(
  data: readonly Joined[],
  k: number,
  method: Method,
  scale: HumanScale,
  features: readonly FeatureSet[] = [],
): number[] {
  const fold = data.map((d) => foldOf(d.item.item_id, k));
  const out = new Array<number>(data.length);
  for (let f = 0; f < k; f++) {
    const train = data.filter((_, i) => fold[i] !== f);
    const cal = fitCalibrator(train, method, scale, features);
    data.forEach((d, i) => {
      if (fold[i] === f) out[i] = calibrate(cal, d.item.record);
    });
  }
  return out;
}
