/**
 * Agreement metrics, all computed from a K×K confusion matrix (rows: human, columns: judge) of
 * category counts, so a bootstrap resample costs one pass over the items plus O(K²). A metric
 * that is undefined (constant ratings, one category) is reported with its reason, never as NaN.
 */
export type Metric = { value: number; reason?: undefined } | { value: null; reason: string };

const undef = (reason: string): Metric => ({ value: null, reason });
const ok = (value: number): Metric => (Number.isFinite(value) ? { value } : undef("not a finite number"));

export interface Table {
  readonly k: number;
  /** counts[h * k + p] */
  readonly counts: Float64Array;
  /** Category values, for metrics on the score itself (MAE, Pearson). */
  readonly values: readonly number[];
  readonly n: number;
}

function marginals(t: Table): { rows: Float64Array; cols: Float64Array } {
  const rows = new Float64Array(t.k);
  const cols = new Float64Array(t.k);
  for (let h = 0; h < t.k; h++)
    for (let p = 0; p < t.k; p++) {
      const c = t.counts[h * t.k + p]!;
      rows[h]! += c;
      cols[p]! += c;
    }
  return { rows, cols };
}

/** Cohen's kappa with weights w(i, j) = 0 (identity), |i−j|/(K−1) (linear) or squared (QWK). */
export function kappa(t: Table, weighting: "none" | "linear" | "quadratic"): Metric {
  if (t.n === 0) return undef("no items");
  const { rows, cols } = marginals(t);
  const k = t.k;
  const w = (i: number, j: number) => {
    if (weighting === "none") return i === j ? 0 : 1;
    const d = Math.abs(i - j) / Math.max(1, k - 1);
    return weighting === "linear" ? d : d * d;
  };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const wij = w(i, j);
      if (wij === 0) continue;
      observed += wij * t.counts[i * k + j]!;
      expected += (wij * rows[i]! * cols[j]!) / t.n;
    }
  if (expected === 0)
    return undef("chance disagreement is zero (all ratings fall in one category on at least one side)");
  return ok(1 - observed / expected);
}

export function accuracy(t: Table, within: number): Metric {
  if (t.n === 0) return undef("no items");
  let hit = 0;
  for (let i = 0; i < t.k; i++)
    for (let j = 0; j < t.k; j++) if (Math.abs(i - j) <= within) hit += t.counts[i * t.k + j]!;
  return ok(hit / t.n);
}

export function meanError(t: Table, power: 1 | 2): Metric {
  if (t.n === 0) return undef("no items");
  let s = 0;
  for (let i = 0; i < t.k; i++)
    for (let j = 0; j < t.k; j++) {
      const c = t.counts[i * t.k + j]!;
      if (c) s += c * Math.abs(t.values[i]! - t.values[j]!) ** power;
    }
  return ok(power === 1 ? s / t.n : Math.sqrt(s / t.n));
}

function pearsonOf(t: Table, xs: ArrayLike<number>, ys: ArrayLike<number>): Metric {
  if (t.n < 2) return undef("fewer than two items");
  let sx = 0,
    sy = 0;
  for (let i = 0; i < t.k; i++)
    for (let j = 0; j < t.k; j++) {
      const c = t.counts[i * t.k + j]!;
      sx += c * xs[i]!;
      sy += c * ys[j]!;
    }
  const mx = sx / t.n;
  const my = sy / t.n;
  let cov = 0,
    vx = 0,
    vy = 0;
  for (let i = 0; i < t.k; i++)
    for (let j = 0; j < t.k; j++) {
      const c = t.counts[i * t.k + j]!;
      if (!c) continue;
      const dx = xs[i]! - mx;
      const dy = ys[j]! - my;
      cov += c * dx * dy;
      vx += c * dx * dx;
      vy += c * dy * dy;
    }
  if (vx === 0 || vy === 0) return undef(`${vx === 0 ? "human" : "judge"} scores are constant`);
  return ok(cov / Math.sqrt(vx * vy));
}

export function pearson(t: Table): Metric {
  return pearsonOf(t, t.values, t.values);
}

/** Mid-ranks of each category from its marginal counts. */
function midRanks(marg: Float64Array): Float64Array {
  const r = new Float64Array(marg.length);
  let before = 0;
  for (let i = 0; i < marg.length; i++) {
    r[i] = before + (marg[i]! + 1) / 2;
    before += marg[i]!;
  }
  return r;
}

export function spearman(t: Table): Metric {
  const { rows, cols } = marginals(t);
  return pearsonOf(t, midRanks(rows), midRanks(cols));
}

/** Kendall's tau-b from the table: concordant/discordant pairs via 2-D prefix sums. */
export function kendallTauB(t: Table): Metric {
  if (t.n < 2) return undef("fewer than two items");
  const k = t.k;
  // below[i][j] = count of cells with row < i and col < j; above-right similarly.
  const pre = new Float64Array((k + 1) * (k + 1));
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      pre[(i + 1) * (k + 1) + j + 1] =
        t.counts[i * k + j]! + pre[i * (k + 1) + j + 1]! + pre[(i + 1) * (k + 1) + j]! - pre[i * (k + 1) + j]!;
    }
  const rect = (i0: number, i1: number, j0: number, j1: number) =>
    i1 <= i0 || j1 <= j0
      ? 0
      : pre[i1 * (k + 1) + j1]! - pre[i0 * (k + 1) + j1]! - pre[i1 * (k + 1) + j0]! + pre[i0 * (k + 1) + j0]!;
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const c = t.counts[i * k + j]!;
      if (!c) continue;
      concordant += c * rect(i + 1, k, j + 1, k);
      discordant += c * rect(i + 1, k, 0, j);
    }
  const { rows, cols } = marginals(t);
  const n0 = (t.n * (t.n - 1)) / 2;
  let tiesX = 0,
    tiesY = 0;
  for (let i = 0; i < k; i++) {
    tiesX += (rows[i]! * (rows[i]! - 1)) / 2;
    tiesY += (cols[i]! * (cols[i]! - 1)) / 2;
  }
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  if (denom === 0) return undef("one side is constant, so no pair is ordered");
  return ok((concordant - discordant) / denom);
}

export const METRICS = {
  qwk: (t: Table) => kappa(t, "quadratic"),
  kappa: (t: Table) => kappa(t, "none"),
  kappa_linear: (t: Table) => kappa(t, "linear"),
  accuracy: (t: Table) => accuracy(t, 0),
  adjacent_accuracy: (t: Table) => accuracy(t, 1),
  mae: (t: Table) => meanError(t, 1),
  rmse: (t: Table) => meanError(t, 2),
  pearson,
  spearman,
  kendall_tau_b: kendallTauB,
} as const;

export type MetricName = keyof typeof METRICS;
