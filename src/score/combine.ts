/**
 * Combining several judgments of one item: samples of one judge, a panel of judges, or the two
 * orders of a pairwise comparison. Verdicts go by strict majority and a tie is reported as a
 * tie, never broken by order; scores go by the median; the spread is kept so an unstable judge
 * shows up as one.
 */
import type { Mode, Rounding, Scale } from "../compile/ir.js";
import { toScale } from "./scale.js";
import type { CriterionOutcome, Verdict } from "./types.js";

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function strictMajority<T extends string>(votes: readonly T[]): T | "tie" | null {
  if (votes.length === 0) return null;
  const counts = new Map<T, number>();
  for (const v of votes) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [v, n] of counts) if (n * 2 > votes.length) return v;
  return "tie";
}

export interface Spread {
  readonly raw_score_sd: number | null;
  readonly raw_score_range: number | null;
  /** Per criterion: the share of judgments that agree with the combined verdict or level. */
  readonly agreement: Record<string, number>;
}

export interface Combined {
  readonly outcomes: Map<string, CriterionOutcome>;
  readonly raw_score: number | null;
  readonly spread: Spread;
}

export function combineJudgments(
  judgments: readonly { outcomes: ReadonlyMap<string, CriterionOutcome>; raw_score: number | null }[],
  scale: Scale,
  rounding: Rounding,
): Combined {
  const ids = new Set<string>();
  for (const j of judgments) for (const id of j.outcomes.keys()) ids.add(id);
  const outcomes = new Map<string, CriterionOutcome>();
  const agreement: Record<string, number> = {};
  for (const id of ids) {
    const os = judgments.map((j) => j.outcomes.get(id)).filter((o): o is CriterionOutcome => o !== undefined);
    const verdicts = os.map((o) => o.verdict).filter((v): v is Verdict => v !== null);
    const levels = os.map((o) => o.level).filter((l): l is number => l !== null);
    const verdict = strictMajority(verdicts);
    const level = median(levels);
    const evidenceOk = strictMajority(os.map((o) => (o.evidence_ok ? "y" : "n"))) === "y";
    outcomes.set(id, { id, verdict: verdict === null ? null : (verdict as Verdict), level, evidence_ok: evidenceOk });
    const agreeing = verdicts.length ? verdicts.filter((v) => v === verdict).length : levels.filter((l) => l === level).length;
    agreement[id] = os.length ? agreeing / os.length : 0;
  }
  const scores = judgments.map((j) => j.raw_score).filter((s): s is number => s !== null);
  // Fewer than half the judgments scoring means the item is not reliably scored.
  const med = scores.length * 2 >= judgments.length ? median(scores) : null;
  const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : 0;
  const sd = scores.length > 1 ? Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length - 1)) : scores.length ? 0 : null;
  return {
    outcomes,
    raw_score: med === null ? null : toScale(med, scale, rounding),
    spread: {
      raw_score_sd: sd === null ? null : Math.round(sd * 1e6) / 1e6,
      raw_score_range: scores.length ? Math.max(...scores) - Math.min(...scores) : null,
      agreement,
    },
  };
}

/** The verdict of the swapped-order call, in the original labels. */
export function unswap(v: "A" | "B" | "tie"): "A" | "B" | "tie" {
  return v === "A" ? "B" : v === "B" ? "A" : "tie";
}

export function combineOrders(ab: "A" | "B" | "tie", baUnswapped: "A" | "B" | "tie", mode: Extract<Mode, { kind: "pairwise" }>): { preferred: "A" | "B" | "tie"; consistent: boolean; flags: string[] } {
  if (ab === baUnswapped) return { preferred: ab, consistent: true, flags: [] };
  // Disagreement between orders is position bias; either way the pair is not a preference.
  return { preferred: "tie", consistent: false, flags: mode.inconsistent === "flag" ? ["position-inconsistent"] : [] };
}

export function preferenceScore(p: "A" | "B" | "tie"): number {
  return p === "A" ? 1 : p === "B" ? 0 : 0.5;
}
