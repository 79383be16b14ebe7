/**
 * Exact tests on discordant pairs. The sign test (flips up vs down, or toward A vs toward B)
 * and the exact McNemar test (correct→wrong vs wrong→correct) are the same computation: a
 * two-sided binomial test of k successes in n trials at p = ½, p = min(1, 2·P(X ≤ min(k, n−k))).
 * Log-space binomial coefficients keep n = 100,000 exact enough and fast.
 */
const logFactCache: number[] = [0];

function logFactorial(n: number): number {
  for (let i = logFactCache.length; i <= n; i++) logFactCache[i] = logFactCache[i - 1]! + Math.log(i);
  return logFactCache[n]!;
}

export function binomialTwoSided(k: number, n: number): number {
  if (n === 0) return 1;
  const m = Math.min(k, n - k);
  const logHalfN = n * Math.log(0.5);
  let tail = 0;
  // Sum the lower tail from its largest term down; stop when terms no longer matter.
  for (let i = m; i >= 0; i--) {
    const term = Math.exp(logFactorial(n) - logFactorial(i) - logFactorial(n - i) + logHalfN);
    tail += term;
    if (term < tail * 1e-17) break;
  }
  return Math.min(1, 2 * tail);
}

export const signTest = binomialTwoSided;

export function mcnemarExact(correctToWrong: number, wrongToCorrect: number): number {
  return binomialTwoSided(correctToWrong, correctToWrong + wrongToCorrect);
}

export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let c = 0,
    vx = 0,
    vy = 0;
  for (let i = 0; i < n; i++) {
    c += (xs[i]! - mx) * (ys[i]! - my);
    vx += (xs[i]! - mx) ** 2;
    vy += (ys[i]! - my) ** 2;
  }
  return vx === 0 || vy === 0 ? null : c / Math.sqrt(vx * vy);
}

/**
 * Holm's step-down adjustment of a family of p-values (controls the family-wise error rate at
 * the level the adjusted values are compared with); the result is in the input order.
 */
export function holm(ps: readonly number[]): number[] {
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const out = new Array<number>(ps.length);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    out[i] = running;
  });
  return out;
}

/** log P(X = k) for X ~ Binomial(n, p). */
export function logBinomialPmf(k: number, n: number, p: number): number {
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}
