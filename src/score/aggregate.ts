/**
 * From criterion outcomes and check results to a score on the rubric's scale.
 *
 * Semantics (grammar/spec.md §Aggregation and rounding, §Gates):
 * - Scored items are the criteria and the checks that have a weight or points. Each has a value
 *   v in [0, 1]: binary met 1, unmet 0 (a split vote of samples ½); checklist 0/1/2 → 0, ½, 1;
 *   levels → (level − lowest)/(highest − lowest) over the criterion's own levels; checks passed 1,
 *   failed 0. Its weight w is its points when it has points, else its weight (default 1). Items
 *   with w = 0 only feed gates.
 * - `weighted_mean` and `points` compute the same ratio (they differ only in what the compiler
 *   demands): x = (Σ_{w>0} w·v − Σ_{w<0} |w|·v) / Σ_{w>0} w, clipped to [0, 1]. A met penalty
 *   subtracts its points; an unmet one costs nothing. No positive weight → no score.
 * - `minimum`: x = the smallest of v over positively weighted items and 1 − v over penalties, so a
 *   met penalty drives the score to the bottom, as the worst aspect of the response.
 * - `sum`: s = Σ over items of level × w (levels, checklist 0/1/2) or w × v (binary, checks); the
 *   raw sum is clamped to the scale and rounded; `normalized` is null.
 * - Mapping: score = min + x·(max − min), rounded to the scale's step with the rubric's rounding
 *   (`half_up`, `half_even`, `down`, `up`; `none` keeps the exact value), in whole units of the
 *   step so 0.1 and 0.5 steps are exact. On a pass-or-fail scale x itself is rounded: under
 *   `half_up` x ≥ 0.5 passes; `none` counts as `half_up`.
 * - Gates: a condition `is met` is true for binary `met`, a levels or checklist criterion at its
 *   top level, a passed check; `level` conditions compare the level value. A reference with
 *   nothing to decide on never fires a gate. When gates fire, the lowest `set` replaces the score;
 *   then every cap (gate caps and evidence-policy caps alike) lowers it to at most its value, so
 *   nothing lifts a score above a cap that fired.
 * - An item with a criterion (or weighted check) left without a usable outcome, or with nothing to
 *   score, gets raw_score null and a reason, never a made-up minimum; gates are still reported.
 * - Breakdown contributions add up to x before clipping (weighted mean, points); for minimum the
 *   deciding item carries x and the others 0; for sum they add up to the raw sum.
 */
import type { AggregationMethod, CriterionIR, RubricIR } from "../compile/ir.js";
import { applyActions, firedGates } from "./gates.js";
import { fromUnit, toScale } from "./scale.js";
import type { BreakdownEntry, CheckResult, CriterionOutcome, Fired, ScoreResult } from "./types.js";
import { criterionValue, weightOf } from "./value.js";

interface Item {
  readonly id: string;
  readonly source: "criterion" | "check";
  readonly value: number;
  readonly weight: number;
  /** What the item adds under `sum`. */
  readonly amount: number;
}

type Aggregated = { x: number | null; sum: number | null; breakdown: BreakdownEntry[] } | { reason: string };

function entry(i: Item, contribution: number): BreakdownEntry {
  return { id: i.id, source: i.source, value: i.value, weight: i.weight, contribution };
}

function aggregate(method: AggregationMethod, items: readonly Item[]): Aggregated {
  // Weight-0 items stay in the breakdown (in order, contributing 0) but take no part.
  if (!items.some((i) => i.weight !== 0))
    return { reason: "nothing to score: no criterion or weighted check has a non-zero weight" };
  const breakdown = (contribution: (i: Item, k: number) => number) =>
    items.map((i, k) => entry(i, i.weight === 0 ? 0 : contribution(i, k)));
  if (method === "sum") {
    let sum = 0;
    for (const i of items) sum += i.amount;
    return { x: null, sum, breakdown: breakdown((i) => i.amount) };
  }
  if (method === "minimum") {
    let x = Infinity;
    let decider = -1;
    items.forEach((i, k) => {
      const e = i.weight > 0 ? i.value : 1 - i.value;
      if (i.weight !== 0 && e < x) [x, decider] = [e, k];
    });
    return { x, sum: null, breakdown: breakdown((_, k) => (k === decider ? x : 0)) };
  }
  let possible = 0;
  let earned = 0;
  for (const i of items) {
    if (i.weight > 0) possible += i.weight;
    earned += i.weight * i.value;
  }
  if (possible === 0) return { reason: "nothing to score: no criterion or weighted check has a positive weight" };
  return {
    x: Math.min(1, Math.max(0, earned / possible)),
    sum: null,
    breakdown: breakdown((i) => (i.weight * i.value) / possible),
  };
}

function asMap(
  outcomes: ReadonlyMap<string, CriterionOutcome> | readonly CriterionOutcome[],
): ReadonlyMap<string, CriterionOutcome> {
  return outcomes instanceof Map ? outcomes : new Map((outcomes as readonly CriterionOutcome[]).map((o) => [o.id, o]));
}

function checkItems(ir: RubricIR, checks: ReadonlyMap<string, CheckResult>, missing: string[]): Item[] {
  const items: Item[] = [];
  for (const ch of ir.checks) {
    if (ch.weight === null && ch.points === null) continue;
    const r = checks.get(ch.id);
    if (!r) {
      missing.push(ch.id);
      continue;
    }
    const w = weightOf(ch);
    items.push({ id: ch.id, source: "check", value: r.passed ? 1 : 0, weight: w, amount: r.passed ? w : 0 });
  }
  return items;
}

function finish(
  ir: RubricIR,
  items: Item[],
  missing: string[],
  gates: Fired[],
  caps: readonly Fired[],
  flags: string[],
): ScoreResult {
  const fired = [...gates, ...caps];
  const unscored = (reason: string, breakdown: BreakdownEntry[]): ScoreResult => ({
    raw_score: null,
    reason,
    normalized: null,
    breakdown,
    fired,
    gates,
    caps: [...caps],
    flags,
  });
  const partial = items.map((i) => entry(i, 0));
  if (missing.length) return unscored(`no usable verdict for ${missing.map((m) => `\`${m}\``).join(", ")}`, partial);
  const a = aggregate(ir.aggregation.method, items);
  if ("reason" in a) return unscored(a.reason, partial);
  const { rounding } = ir.aggregation;
  const base = a.sum !== null ? toScale(a.sum, ir.scale, rounding) : fromUnit(a.x ?? 0, ir.scale, rounding);
  return {
    raw_score: applyActions(base, fired),
    normalized: a.x,
    breakdown: a.breakdown,
    fired,
    gates,
    caps: [...caps],
    flags,
  };
}

/**
 * Score one judgment of one item. `criteria` is `ir.criteria`, or with per-item criteria added for
 * template rubrics; `evidenceCaps` are the caps `applyEvidencePolicy` returned for this judgment.
 */
export function scoreItem(
  ir: RubricIR,
  criteria: readonly CriterionIR[],
  outcomes: ReadonlyMap<string, CriterionOutcome> | readonly CriterionOutcome[],
  checkResults: readonly CheckResult[],
  evidenceCaps: readonly Fired[] = [],
): ScoreResult {
  const outs = asMap(outcomes);
  const checks = new Map(checkResults.map((c) => [c.id, c]));
  const missing: string[] = [];
  const items: Item[] = [];
  const flags: string[] = [];
  for (const c of criteria) {
    const o = outs.get(c.id);
    if (o?.flags) flags.push(...o.flags);
    const v = criterionValue(c, o);
    if (v === null) {
      missing.push(c.id);
      continue;
    }
    const w = weightOf(c);
    items.push({
      id: c.id,
      source: "criterion",
      value: v,
      weight: w,
      amount: c.kind === "binary" ? w * v : o!.level! * w,
    });
  }
  items.push(...checkItems(ir, checks, missing));
  const gates = firedGates(ir.gates, { criteria: new Map(criteria.map((c) => [c.id, c])), outcomes: outs, checks });
  return finish(ir, items, missing, gates, evidenceCaps, flags);
}

/**
 * A holistic rubric's score comes straight from the judge, snapped to the scale; gates over checks
 * still apply. Should the rubric also weigh checks, the judge's score is one more item (id
 * `overall`, weight 1, v = its place on the scale) aggregated with them by the rubric's method.
 */
export function scoreHolistic(
  ir: RubricIR,
  judged: number | null | undefined,
  checkResults: readonly CheckResult[],
  outcomes: ReadonlyMap<string, CriterionOutcome> | readonly CriterionOutcome[] = [],
  evidenceCaps: readonly Fired[] = [],
): ScoreResult {
  const outs = asMap(outcomes);
  const checks = new Map(checkResults.map((c) => [c.id, c]));
  const gates = firedGates(ir.gates, { criteria: new Map(ir.criteria.map((c) => [c.id, c])), outcomes: outs, checks });
  const missing: string[] = [];
  const weighted = checkItems(ir, checks, missing);
  if (typeof judged !== "number" || !Number.isFinite(judged)) {
    const fired = [...gates, ...evidenceCaps];
    return {
      raw_score: null,
      reason: "the judge gave no usable score",
      normalized: null,
      breakdown: [],
      fired,
      gates,
      caps: [...evidenceCaps],
      flags: [],
    };
  }
  const snapped = toScale(judged, ir.scale, ir.aggregation.rounding);
  if (weighted.length === 0 && missing.length === 0) {
    const fired = [...gates, ...evidenceCaps];
    return {
      raw_score: applyActions(snapped, fired),
      normalized: null,
      breakdown: [],
      fired,
      gates,
      caps: [...evidenceCaps],
      flags: [],
    };
  }
  const [lo, hi] = ir.scale.kind === "pass_fail" ? [0, 1] : [ir.scale.min, ir.scale.max];
  const overall: Item = {
    id: "overall",
    source: "criterion",
    value: (snapped - lo) / (hi - lo),
    weight: 1,
    amount: snapped,
  };
  return finish(ir, [overall, ...weighted], missing, gates, evidenceCaps, []);
}
