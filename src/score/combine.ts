/**
 * Combining several judgments of one item: samples of one judge, or a panel of judges. Verdicts go
 * by strict majority and an even split is reported as `tie`, never broken by order; levels by their
 * exact median (a half value when two middle levels differ); the score is the median of the
 * judgments' own scores (gates already applied), snapped to the scale with the rubric's rounding.
 * The spread is kept so an unstable judge shows up as one.
 */
import type { Rounding, Scale } from "../compile/ir.js";
import { extend } from "../util/extend.js";
import { toScale } from "./scale.js";
import type { CriterionOutcome, Verdict } from "./types.js";

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The value more than half the votes share; `tie` when none does; null without votes. */
export function strictMajority<T extends string>(votes: readonly T[]): T | "tie" | null {
  if (votes.length === 0) return null;
  const counts = new Map<T, number>();
  for (const v of votes) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [v, n] of counts) if (n * 2 > votes.length) return v;
  return "tie";
}

/** Share of the values equal to the most common one. */
function modalShare(values: readonly unknown[]): number {
  const counts = new Map<unknown, number>();
  let best = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > best) best = n;
  }
  return values.length ? best / values.length : 0;
}

export interface Spread {
  readonly raw_score_sd: number | null;
  readonly raw_score_range: number | null;
  /**
   * Per criterion: the share of judgments giving the most common answer (the majority verdict or
   * the modal level); a 50/50 split is 0.5. A judgment without an answer agrees with nobody.
   */
  readonly agreement: Record<string, number>;
}

export interface Judged {
  readonly outcomes: ReadonlyMap<string, CriterionOutcome>;
  readonly raw_score: number | null;
}

export interface Combined {
  readonly outcomes: Map<string, CriterionOutcome>;
  readonly raw_score: number | null;
  readonly reason?: string;
  readonly spread: Spread;
}

function combineOutcome(id: string, os: readonly CriterionOutcome[]): [CriterionOutcome, number] {
  const verdicts = os.map((o) => o.verdict).filter((v): v is Verdict => v !== null);
  const levels = os.map((o) => o.level).filter((l): l is number => l !== null);
  const verdict = strictMajority(verdicts);
  const evidenceOk = os.filter((o) => o.evidence_ok).length * 2 > os.length;
  const flags = [...new Set(os.flatMap((o) => o.flags ?? []))];
  const outcome: CriterionOutcome = {
    id,
    verdict,
    level: median(levels),
    evidence_ok: evidenceOk,
    ...(flags.length ? { flags } : {}),
  };
  const answers = verdicts.length ? os.map((o) => o.verdict) : os.map((o) => o.level);
  // Missing answers are each their own value, so they never form the majority.
  return [outcome, modalShare(answers.map((a) => a ?? Symbol()))];
}

function sd(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  if (xs.length === 1) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.round(Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) * 1e6) / 1e6;
}

/**
 * Samples (or any judgments) of one item. The score needs at least half the judgments scored:
 * fewer means the item is not reliably scored and it gets no score.
 */
export function combineJudgments(judgments: readonly Judged[], scale: Scale, rounding: Rounding): Combined {
  const ids = new Set<string>();
  for (const j of judgments) for (const id of j.outcomes.keys()) ids.add(id);
  const outcomes = new Map<string, CriterionOutcome>();
  const agreement: Record<string, number> = {};
  for (const id of ids) {
    const os = judgments.map((j) => j.outcomes.get(id)).filter((o): o is CriterionOutcome => o !== undefined);
    const [o, share] = combineOutcome(id, os);
    outcomes.set(id, o);
    agreement[id] = share;
  }
  const scores = judgments.map((j) => j.raw_score).filter((s): s is number => s !== null);
  const enough = scores.length > 0 && scores.length * 2 >= judgments.length;
  const med = enough ? median(scores) : null;
  return {
    outcomes,
    raw_score: med === null ? null : toScale(med, scale, rounding),
    ...(med === null ? { reason: `only ${scores.length} of ${judgments.length} judgments have a score` } : {}),
    spread: {
      raw_score_sd: sd(scores),
      raw_score_range: scores.length ? Number((Math.max(...scores) - Math.min(...scores)).toPrecision(12)) : null,
      agreement,
    },
  };
}

/** The K samples of one judge for one item. */
export function combineSamples(samples: readonly Judged[], scale: Scale, rounding: Rounding): Combined {
  return combineJudgments(samples, scale, rounding);
}

export interface PanelResult extends Combined {
  readonly disagreement: {
    /** Each model's own (already sample-combined) score. */
    readonly scores: Record<string, number | null>;
    /** Criteria on which the models did not all give the same answer, in first-seen order. */
    readonly criteria: string[];
  };
}

/**
 * A panel: one result per model (each already combined over its samples), combined by the same
 * strict majority and medians, so no model outvotes the others by taking more samples.
 */
export function combinePanel(
  perModel: readonly { model: string; result: Judged }[],
  scale: Scale,
  rounding: Rounding,
): PanelResult {
  const combined = combineJudgments(
    perModel.map((p) => p.result),
    scale,
    rounding,
  );
  const scores: Record<string, number | null> = {};
  for (const p of perModel) scores[p.model] = p.result.raw_score;
  const split = Object.entries(combined.spread.agreement)
    .filter(([, share]) => share < 1)
    .map(([id]) => id);
  return extend(combined, { disagreement: { scores, criteria: split } });
}
