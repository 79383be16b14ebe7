/**
 * Gates (grammar/spec.md §Gates): conditions over outcomes and checks, and what the ones that fire
 * do to the score. A condition on a reference with nothing to decide on (unjudged, no level, a split
 * vote, an unknown id) is false, negated or not: a gate never fires by omission.
 */
import type { ConditionIR, CriterionIR, GateIR } from "../compile/ir.js";
import type { CheckResult, CriterionOutcome, Fired } from "./types.js";
import { isMet } from "./value.js";

export interface GateContext {
  readonly criteria: ReadonlyMap<string, CriterionIR>;
  readonly outcomes: ReadonlyMap<string, CriterionOutcome>;
  readonly checks: ReadonlyMap<string, CheckResult>;
}

function metOf(ref: string, ctx: GateContext): boolean | null {
  const check = ctx.checks.get(ref);
  if (check) return check.passed;
  const c = ctx.criteria.get(ref);
  return c ? isMet(c, ctx.outcomes.get(ref)) : null;
}

export function evaluateCondition(cond: ConditionIR, ctx: GateContext): boolean {
  switch (cond.kind) {
    case "and":
      return cond.operands.every((c) => evaluateCondition(c, ctx));
    case "or":
      return cond.operands.some((c) => evaluateCondition(c, ctx));
    case "met": {
      const met = metOf(cond.ref, ctx);
      return met !== null && met !== cond.negate;
    }
    case "level": {
      const level = ctx.outcomes.get(cond.ref)?.level;
      if (level === null || level === undefined || !ctx.criteria.has(cond.ref)) return false;
      switch (cond.op) {
        case "<":
          return level < cond.value;
        case "<=":
          return level <= cond.value;
        case ">":
          return level > cond.value;
        case ">=":
          return level >= cond.value;
        case "==":
          return level === cond.value;
      }
    }
  }
}

export function firedGates(gates: readonly GateIR[], ctx: GateContext): Fired[] {
  const fired: Fired[] = [];
  for (const g of gates)
    if (evaluateCondition(g.when, ctx)) fired.push({ id: g.id, action: g.action.kind, value: g.action.value });
  return fired;
}

/**
 * The lowest `set` (fix) replaces the score, whatever the criteria gave; then every cap (gate or
 * evidence) applies. So a fix beats the aggregate, but never lifts a score above a cap that fired:
 * a failed-evidence cap at 2 holds even when a gate sets the score to 3.
 */
export function applyActions(score: number, fired: readonly Fired[]): number {
  let s = score;
  let fix = Infinity;
  for (const f of fired) if (f.action === "fix") fix = Math.min(fix, f.value);
  if (fix !== Infinity) s = fix;
  for (const f of fired) if (f.action === "cap") s = Math.min(s, f.value);
  return s;
}
