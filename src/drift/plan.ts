/**
 * How many probes a drift test needs. The model: each probe flips toward one side with
 * probability f + r/2 and away from it with probability r/2, where f is the directional drift
 * to detect and r the judge's undirected noise (flips that would happen with an unchanged
 * rubric). The test is the one `drift` runs: the exact two-sided sign test on the flips, at
 * level alpha. Power is computed exactly: the number of flips m ~ Binomial(n, f + r), and given
 * m the flips toward the side ~ Binomial(m, (f + r/2)/(f + r)); a probe set detects f when the
 * test rejects with probability at least `power`. No simulation, so the figures are repeatable.
 */
import { binomialTwoSided, logBinomialPmf } from "./stats.js";

export interface PlanOptions {
  readonly alpha: number;
  /** Probability of detecting the drift (default 0.8). */
  readonly power?: number;
  /** Undirected flip rate of the judge on an unchanged rubric (default 0). */
  readonly noise?: number;
}

const criticalCache = new Map<string, number | null>();

/** Smallest k ≥ m/2 with the sign test of k of m at most alpha, or null when none is. */
function criticalCount(m: number, alpha: number): number | null {
  const key = `${m}|${alpha}`;
  const hit = criticalCache.get(key);
  if (hit !== undefined) return hit;
  const c = searchCritical(m, alpha);
  if (criticalCache.size > 100_000) criticalCache.clear();
  criticalCache.set(key, c);
  return c;
}

function searchCritical(m: number, alpha: number): number | null {
  if (m === 0 || binomialTwoSided(m, m) > alpha) return null;
  let lo = Math.ceil(m / 2);
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (binomialTwoSided(mid, m) <= alpha) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** P(X ≥ k) for X ~ Binomial(m, q), summed in log space from the mode outward. */
function upperTail(k: number, m: number, q: number): number {
  let s = 0;
  for (let i = k; i <= m; i++) {
    const t = Math.exp(logBinomialPmf(i, m, q));
    s += t;
    if (i > m * q && t < s * 1e-15) break;
  }
  return Math.min(1, s);
}

/** Probability that n probes detect a directional flip rate f (see the model above). */
export function detectionPower(n: number, f: number, opts: PlanOptions): number {
  const r = opts.noise ?? 0;
  const pf = Math.min(1, f + r);
  if (pf <= 0 || n <= 0) return 0;
  const q = (f + r / 2) / pf;
  // Only flip counts within 9 standard deviations of the mean carry probability worth summing.
  const mean = n * pf;
  const sd = Math.sqrt(n * pf * (1 - pf));
  const lo = Math.max(0, Math.floor(mean - 9 * sd - 1));
  const hi = Math.min(n, Math.ceil(mean + 9 * sd + 1));
  let power = 0;
  for (let m = lo; m <= hi; m++) {
    const c = criticalCount(m, opts.alpha);
    if (c === null) continue;
    // Two-sided: flips away from the side can also reject, but under drift that term is negligible
    // and leaving it out keeps the figure conservative.
    power += Math.exp(logBinomialPmf(m, n, pf)) * upperTail(c, m, q);
  }
  return Math.min(1, power);
}

/** The smallest directional flip rate n probes detect with the given power (1 when none below it does). */
export function minimumDetectableFlipRate(n: number, opts: PlanOptions): number {
  const target = opts.power ?? 0.8;
  const ceiling = 1 - (opts.noise ?? 0);
  if (n <= 0 || detectionPower(n, ceiling, opts) < target) return 1;
  // Search upward from one flip's worth: the work per power evaluation grows with n·f, so the
  // evaluations stay near the answer (100,000 probes take milliseconds, not seconds).
  let hi = Math.min(ceiling, 1 / n);
  while (hi < ceiling && detectionPower(n, hi, opts) < target) hi = Math.min(ceiling, hi * 2);
  let lo = hi === ceiling ? 0 : hi / 2;
  for (let i = 0; i < 40 && hi - lo > 1e-6; i++) {
    const mid = (lo + hi) / 2;
    if (detectionPower(n, mid, opts) >= target) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi * 10_000) / 10_000;
}

/**
 * The number of probes needed to detect a directional flip rate f: the smallest n (searched
 * by doubling, then bisection) whose power reaches the target; null above 10,000,000.
 */
export function probesNeeded(f: number, opts: PlanOptions): number | null {
  const target = opts.power ?? 0.8;
  const ok = (n: number) => detectionPower(n, f, opts) >= target;
  let hi = 8;
  while (!ok(hi)) {
    hi *= 2;
    if (hi > 10_000_000) return null;
  }
  let lo = hi / 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
