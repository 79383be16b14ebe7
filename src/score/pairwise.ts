/**
 * Pairwise preference (grammar/spec.md §Mode): criteria vote A or B with their weights, the two
 * orders of a swapped comparison are combined, and a preference becomes a score (A 1, tie ½, B 0).
 */
import type { CriterionIR, Mode, RubricIR } from "../compile/ir.js";
import type { CriterionOutcome, Preference } from "./types.js";
import { weightOf } from "./value.js";

/**
 * Weighted vote: A adds |w|, B subtracts |w|, tie and missing verdicts add nothing; the sign
 * decides and 0 is a tie (also under `no ties`: equal support is no preference). |w|, because a
 * pairwise verdict already says which side is better on the criterion, penalty or not.
 */
export function preferenceOf(
  criteriaOrIr: readonly CriterionIR[] | RubricIR,
  outcomes: ReadonlyMap<string, CriterionOutcome>,
): Preference {
  const criteria = Array.isArray(criteriaOrIr)
    ? (criteriaOrIr as readonly CriterionIR[])
    : (criteriaOrIr as RubricIR).criteria;
  let s = 0;
  for (const c of criteria) {
    const v = outcomes.get(c.id)?.verdict;
    const w = Math.abs(weightOf(c));
    if (v === "A") s += w;
    else if (v === "B") s -= w;
  }
  // Weights like 0.1 + 0.2 against 0.3 must cancel to a tie, not a float-noise preference.
  if (Math.abs(s) < 1e-9) return "tie";
  return s > 0 ? "A" : "B";
}

/** The verdict of the swapped-order call, in the original labels. */
export function unswap(v: Preference): Preference {
  return v === "A" ? "B" : v === "B" ? "A" : "tie";
}

export interface OrderResult {
  readonly preferred: Preference;
  /** Both orders gave the same preference. */
  readonly consistent: boolean;
  /** `position-inconsistent` when the orders disagree and the rubric says `then flag`. */
  readonly flag?: "position-inconsistent";
  readonly flags: string[];
}

/**
 * Both orders agree → that preference. They disagree (including A in one order and tie in the
 * other) → a tie either way, since a verdict that follows the position is no preference; under
 * `if order disagrees then flag` the pair also carries the flag `position-inconsistent`, so it can
 * be reviewed or left out. `ba` is the swapped call's verdict already mapped back (see unswap).
 */
export function combineOrders(ab: Preference, ba: Preference, mode: Extract<Mode, { kind: "pairwise" }>): OrderResult {
  if (ab === ba) return { preferred: ab, consistent: true, flags: [] };
  if (mode.inconsistent === "flag")
    return { preferred: "tie", consistent: false, flag: "position-inconsistent", flags: ["position-inconsistent"] };
  return { preferred: "tie", consistent: false, flags: [] };
}

export function preferenceScore(p: Preference): number {
  return p === "A" ? 1 : p === "B" ? 0 : 0.5;
}
