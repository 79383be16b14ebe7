/** The normalised value v in [0, 1] of one criterion outcome, and what "met" means for gates. */
import type { CriterionIR } from "../compile/ir.js";
import type { CriterionOutcome } from "./types.js";

/** Lowest and highest level: the criterion's own levels; a checklist is 0..2. */
export function levelRange(c: CriterionIR): readonly [number, number] {
  if (c.kind === "checklist" || c.levels.length === 0) return [0, 2];
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of c.levels) {
    if (l.value < lo) lo = l.value;
    if (l.value > hi) hi = l.value;
  }
  return [lo, hi];
}

/**
 * v for a criterion outcome: binary met 1, unmet 0, a split vote (`tie`) ½; levels and checklist
 * (level − lowest)/(highest − lowest), clipped. null when the judge gave nothing usable for the
 * criterion's kind (a level for a binary criterion counts as nothing).
 */
export function criterionValue(c: CriterionIR, o: CriterionOutcome | undefined): number | null {
  if (!o) return null;
  if (c.kind === "binary")
    return o.verdict === "met" ? 1 : o.verdict === "unmet" ? 0 : o.verdict === "tie" ? 0.5 : null;
  if (o.level === null || !Number.isFinite(o.level)) return null;
  const [lo, hi] = levelRange(c);
  return hi > lo ? Math.min(1, Math.max(0, (o.level - lo) / (hi - lo))) : 1;
}

/** The effective weight: points when given, else the weight, else 1. */
export function weightOf(x: { readonly weight: number | null; readonly points: number | null }): number {
  return x.points ?? x.weight ?? 1;
}

/**
 * Met, for gates: binary `met`; levels and checklist at their top level (v = 1), so `is not met`
 * on a 1–6 trait fires below 6. null when there is nothing to decide on (no outcome, no level, or
 * a split vote), and a condition on such a reference never fires.
 */
export function isMet(c: CriterionIR, o: CriterionOutcome | undefined): boolean | null {
  if (!o) return null;
  if (c.kind === "binary") return o.verdict === "met" ? true : o.verdict === "unmet" ? false : null;
  if (o.level === null || !Number.isFinite(o.level)) return null;
  return o.level >= levelRange(c)[1];
}
