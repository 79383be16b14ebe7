/**
 * The statistics of one slice (or of all items) of a paired comparison: flips, their direction,
 * the mean shift, the exact test, and with labels accuracy and correct↔wrong counts. A slice
 * drifts when its flip rate exceeds `maxFlipRate` or its p-value is below `alpha`.
 */
import { labelCorrect, type Pair, type Paired } from "./records.js";
import { mcnemarExact, signTest } from "./stats.js";

export interface SliceStats {
  readonly n: number;
  readonly flips: number;
  readonly flip_rate: number | null;
  /**
   * Flips the candidate scores lower than the base (pointwise: down; pairwise: toward B) and
   * higher (pointwise: up; pairwise: toward A). `up`/`down` or `toward_a`/`toward_b` repeat them
   * under names that say which.
   */
  readonly toward_base: number;
  readonly toward_candidate: number;
  readonly up?: number;
  readonly down?: number;
  readonly toward_a?: number;
  readonly toward_b?: number;
  /** Mean of candidate − base over the n items (pairwise in preference share: A = 1, B = 0). */
  readonly mean_shift: number | null;
  readonly test: "sign" | "mcnemar";
  /** The test named by `test`: with labels McNemar's, else the sign test. */
  readonly p_value: number;
  /** The sign test on the flip directions, always. */
  readonly sign_p_value: number;
  readonly labelled?: number;
  readonly accuracy_base?: number | null;
  readonly accuracy_candidate?: number | null;
  readonly correct_to_wrong?: number;
  readonly wrong_to_correct?: number;
  readonly drift: boolean;
  /** Why the slice drifts, one line per rule that fired. */
  readonly reasons: string[];
}

export interface Thresholds {
  readonly maxFlipRate?: number;
  readonly alpha?: number;
  /** Whether a significant flip direction decides (default true). */
  readonly direction?: boolean;
}

export function sliceStats(
  pairs: readonly Pair[],
  paired: Paired,
  thresholds: Thresholds,
  labels?: ReadonlyMap<string, number | string>,
): SliceStats {
  const n = pairs.length;
  let up = 0;
  let down = 0;
  let shift = 0;
  let labelled = 0,
    cb = 0,
    cc = 0,
    c2w = 0,
    w2c = 0;
  for (const p of pairs) {
    if (p.flip > 0) up++;
    else if (p.flip < 0) down++;
    shift += p.c - p.b;
    if (!labels) continue;
    const label = labels.get(p.id);
    const a = labelCorrect(paired.mode, paired.scale, paired.step, p.b, p.base.preferred, label);
    const b = labelCorrect(paired.mode, paired.scale, paired.step, p.c, p.cand.preferred, label);
    if (a === null || b === null) continue;
    labelled++;
    if (a) cb++;
    if (b) cc++;
    if (a && !b) c2w++;
    if (!a && b) w2c++;
  }
  const flips = up + down;
  const rate = n ? flips / n : null;
  const sign = signTest(up, flips);
  const p = labels ? mcnemarExact(c2w, w2c) : sign;
  const reasons: string[] = [];
  const { maxFlipRate, alpha } = thresholds;
  if (maxFlipRate !== undefined && rate !== null && flips > 0 && rate >= maxFlipRate - 1e-12)
    reasons.push(`flip rate ${rate.toFixed(4)} ≥ ${maxFlipRate}`);
  if (alpha !== undefined && labels && labelled > 0 && p <= alpha)
    reasons.push(`accuracy moved: McNemar p = ${p.toPrecision(3)} ≤ ${alpha}`);
  if (alpha !== undefined && thresholds.direction !== false && flips > 0 && sign <= alpha) {
    const [more, less] = paired.mode === "pairwise" ? ["toward A", "toward B"] : ["up", "down"];
    reasons.push(`flips go one way (${up} ${more}, ${down} ${less}): sign test p = ${sign.toPrecision(3)} ≤ ${alpha}`);
  }
  const drift = reasons.length > 0;
  const named = paired.mode === "pairwise" ? { toward_a: up, toward_b: down } : { up, down };
  return {
    n,
    flips,
    flip_rate: rate,
    toward_base: down,
    toward_candidate: up,
    ...named,
    mean_shift: n ? shift / n : null,
    test: labels ? "mcnemar" : "sign",
    p_value: p,
    sign_p_value: sign,
    ...(labels
      ? {
          labelled,
          accuracy_base: labelled ? cb / labelled : null,
          accuracy_candidate: labelled ? cc / labelled : null,
          correct_to_wrong: c2w,
          wrong_to_correct: w2c,
        }
      : {}),
    drift,
    reasons,
  };
}
