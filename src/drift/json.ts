/** The `rulers drift --json` document: the report as data, each flipped item with both sides' verdicts and evidence. */
import type { DriftReport } from "./behaviour.js";
import { verdictsOf } from "./verdicts.js";

export function driftJson(r: DriftReport): Record<string, unknown> {
  return {
    mode: r.mode,
    score_field: r.score_field,
    step: r.step,
    excluded: r.excluded,
    excluded_detail: r.excluded_detail,
    thresholds: r.thresholds,
    overall: r.overall,
    slices: r.slices,
    features: r.features,
    attributes: r.attributes,
    fail_on: r.fail_on,
    min_detectable_flip_rate: r.min_detectable_flip_rate,
    flipped: r.flipped.map((f) => ({
      item_id: f.item_id,
      ...(f.slice !== null ? { slice: f.slice } : {}),
      base: f.base,
      candidate: f.candidate,
      base_criteria: verdictsOf(f.base_record),
      candidate_criteria: verdictsOf(f.candidate_record),
    })),
    warnings: r.warnings,
    drift: r.drift,
    reasons: r.reasons,
  };
}
