/**
 * From criterion outcomes and check results to a score on the rubric's scale (grammar/spec.md
 * §Aggregation):
 * - each scored item gets v in [0, 1]: binary met 1 / unmet 0 (a sample tie 0.5); checklist
 *   0/1/2 → 0, ½, 1; levels → (level − lowest)/(highest − lowest); checks passed 1 / failed 0,
 *   counted only with a weight or points;
 * - weighted mean: x = (Σ w·v over positive weights − Σ |w|·v over penalties) / Σ positive w;
 *   points: x = earned / positive possible; both clipped to [0, 1]; minimum: the smallest v of the
 *   positively weighted items (penalties do not take part); sum: level values, met points and
 *   checklist values added and clamped to the scale;
 * - the score is min + x·(max − min) rounded to the step; then gates and evidence caps apply:
 *   every cap lowers to at most its value, and the lowest `set` (fix) wins over caps.
 * An item with nothing to score gets `raw_score: null` and a reason, never a made-up minimum.
 */
import type { ConditionIR, CriterionIR, RubricIR } from "../compile/ir.js";
import { fromUnit, toScale } from "./scale.js";
import type { BreakdownEntry, CheckResult, CriterionOutcome, Fired, ScoreResult } from "./types.js";

function levelRange(c: CriterionIR): [number, number] {
  if (c.kind === "checklist") return [0, 2];
  const values = c.levels.map((l) => l.value);
  return [Math.min(...values), Math.max(...values)];
}

/** v in [0, 1] for a criterion outcome, or null when the judge gave nothing usable. */
export function valueOf(c: CriterionIR, o: CriterionOutcome | undefined): number | null {
  if (!o) return null;
  if (c.kind === "binary") return o.verdict === "met" ? 1 : o.verdict === "unmet" ? 0 : o.verdict === "tie" ? 0.5 : null;
  if (o.level === null) return null;
  const [lo, hi] = levelRange(c);
  return hi > lo ? Math.min(1, Math.max(0, (o.level - lo) / (hi - lo))) : 1;
}

function weightOf(x: { weight: number | null; points: number | null }): number {
  return x.points ?? x.weight ?? 1;
}

function isMet(c: CriterionIR | undefined, o: CriterionOutcome | undefined, check: CheckResult | undefined): boolean {
  if (check) return check.passed;
  if (!c || !o) return false;
  if (c.kind === "binary") return o.verdict === "met";
  // A criterion with levels is "met" at its top level.
  return o.level !== null && o.level >= levelRange(c)[1];
}

export function evaluateCondition(
  cond: ConditionIR,
  criteria: ReadonlyMap<string, CriterionIR>,
  outcomes: ReadonlyMap<string, CriterionOutcome>,
  checks: ReadonlyMap<string, CheckResult>,
): boolean {
  switch (cond.kind) {
    case "and": return cond.operands.every((c) => evaluateCondition(c, criteria, outcomes, checks));
    case "or": return cond.operands.some((c) => evaluateCondition(c, criteria, outcomes, checks));
    case "met": {
      const met = isMet(criteria.get(cond.ref), outcomes.get(cond.ref), checks.get(cond.ref));
      // An unknown or unjudged reference never fires a gate by omission: it is neither met nor unmet.
      if (!checks.has(cond.ref) && outcomes.get(cond.ref) === undefined) return false;
      return cond.negate ? !met : met;
    }
    case "level": {
      const level = outcomes.get(cond.ref)?.level;
      if (level === null || level === undefined) return false;
      switch (cond.op) {
        case "<": return level < cond.value;
        case "<=": return level <= cond.value;
        case ">": return level > cond.value;
        case ">=": return level >= cond.value;
        case "==": return level === cond.value;
      }
    }
  }
}

function applyGates(ir: RubricIR, score: number, fired: Fired[], criteria: ReadonlyMap<string, CriterionIR>, outcomes: ReadonlyMap<string, CriterionOutcome>, checks: ReadonlyMap<string, CheckResult>): number {
  for (const g of ir.gates) {
    if (evaluateCondition(g.when, criteria, outcomes, checks)) fired.push({ id: g.id, action: g.action.kind, value: g.action.value });
  }
  const fixes = fired.filter((f) => f.action === "fix").map((f) => f.value);
  if (fixes.length) return Math.min(...fixes);
  const caps = fired.filter((f) => f.action === "cap").map((f) => f.value);
  return caps.length ? Math.min(score, ...caps) : score;
}

export function scoreItem(
  ir: RubricIR,
  criteria: readonly CriterionIR[],
  outcomes: ReadonlyMap<string, CriterionOutcome>,
  checkResults: readonly CheckResult[],
  evidenceCaps: readonly Fired[] = [],
): ScoreResult {
  const checks = new Map(checkResults.map((c) => [c.id, c]));
  const byId = new Map(criteria.map((c) => [c.id, c]));
  const breakdown: BreakdownEntry[] = [];
  const missing: string[] = [];
  for (const c of criteria) {
    const v = valueOf(c, outcomes.get(c.id));
    if (v === null) missing.push(c.id);
    else breakdown.push({ id: c.id, source: "criterion", value: v, weight: weightOf(c), contribution: 0 });
  }
  for (const ch of ir.checks) {
    if (ch.weight === null && ch.points === null) continue;
    const r = checks.get(ch.id);
    if (r) breakdown.push({ id: ch.id, source: "check", value: r.passed ? 1 : 0, weight: weightOf(ch), contribution: 0 });
  }
  const fired: Fired[] = [...evidenceCaps];
  if (missing.length) return { raw_score: null, reason: `no usable verdict for ${missing.map((m) => `\`${m}\``).join(", ")}`, normalized: null, breakdown, fired };
  const positive = breakdown.filter((b) => b.weight > 0);
  const { method, rounding } = ir.aggregation;
  let score: number;
  let x: number | null = null;
  if (method === "sum") {
    let s = 0;
    for (const b of breakdown) {
      const c = byId.get(b.id);
      const o = outcomes.get(b.id);
      const w = c ? (c.kind === "binary" ? weightOf(c) * b.value : (o?.level ?? 0) * (c.weight ?? 1)) : b.weight * b.value;
      s += w;
      (b as { contribution: number }).contribution = w;
    }
    score = toScale(s, ir.scale, rounding);
  } else {
    if (positive.length === 0) return { raw_score: null, reason: "nothing to score: no criterion or check has a positive weight", normalized: null, breakdown, fired };
    if (method === "minimum") x = Math.min(...positive.map((b) => b.value));
    else {
      const total = positive.reduce((a, b) => a + b.weight, 0);
      let earned = 0;
      for (const b of breakdown) {
        const contribution = b.weight * b.value;
        (b as { contribution: number }).contribution = contribution;
        earned += contribution;
      }
      x = Math.min(1, Math.max(0, earned / total));
    }
    score = fromUnit(x, ir.scale, rounding);
  }
  const gated = applyGates(ir, score, fired, byId, outcomes, checks);
  return { raw_score: gated, normalized: x, breakdown, fired };
}

/** A holistic rubric's score comes straight from the judge, snapped to the scale; gates still apply. */
export function scoreHolistic(ir: RubricIR, judged: number, checkResults: readonly CheckResult[]): ScoreResult {
  const checks = new Map(checkResults.map((c) => [c.id, c]));
  const fired: Fired[] = [];
  const score = applyGates(ir, toScale(judged, ir.scale, ir.aggregation.rounding), fired, new Map(), new Map(), checks);
  return { raw_score: score, normalized: null, breakdown: [], fired };
}

/** Pairwise criteria vote with their weights: A +w, B −w; the sign decides. */
export function preferenceOf(criteria: readonly CriterionIR[], outcomes: ReadonlyMap<string, CriterionOutcome>): "A" | "B" | "tie" {
  let s = 0;
  for (const c of criteria) {
    const v = outcomes.get(c.id)?.verdict;
    const w = Math.abs(weightOf(c));
    if (v === "A") s += w;
    else if (v === "B") s -= w;
  }
  return s > 0 ? "A" : s < 0 ? "B" : "tie";
}
