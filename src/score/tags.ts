/**
 * Per-tag sub-scores (HealthBench reports e.g. `axis:accuracy` apart): for every tag, the same
 * ratio the rubric's aggregation uses, over the criteria carrying that tag only —
 * (Σ w·v over positive weights − Σ |w|·v over penalties) / Σ positive weights, clipped to 0..1.
 */
import type { CriterionIR } from "../compile/ir.js";
import type { BreakdownEntry } from "./types.js";

export interface TagScore {
  readonly score: number | null;
  readonly criteria: number;
}

export function tagScores(
  criteria: readonly CriterionIR[],
  breakdown: readonly BreakdownEntry[],
): Record<string, TagScore> {
  const byId = new Map(breakdown.filter((b) => b.source === "criterion").map((b) => [b.id, b]));
  const acc = new Map<string, { earned: number; possible: number; n: number }>();
  for (const c of criteria) {
    const b = byId.get(c.id);
    if (!b) continue;
    for (const tag of c.tags) {
      const a = acc.get(tag) ?? { earned: 0, possible: 0, n: 0 };
      a.earned += b.weight * b.value;
      if (b.weight > 0) a.possible += b.weight;
      a.n++;
      acc.set(tag, a);
    }
  }
  const out: Record<string, TagScore> = {};
  for (const tag of [...acc.keys()].sort()) {
    const a = acc.get(tag)!;
    out[tag] = {
      score: a.possible > 0 ? Math.round(Math.min(1, Math.max(0, a.earned / a.possible)) * 1e6) / 1e6 : null,
      criteria: a.n,
    };
  }
  return out;
}
