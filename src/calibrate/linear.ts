/**
 * Extra features before the monotone map, only when asked: ridge regression of the human score
 * on the raw score plus standardised features (λ = 1 on the standardised scale), whose
 * prediction then goes through the chosen map. Small d, so normal equations suffice.
 */
export interface LinearModel {
  readonly names: string[];
  readonly mean: number[];
  readonly sd: number[];
  /** Intercept first, then one weight per name. */
  readonly beta: number[];
}

export const RIDGE_LAMBDA = 1;

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const d = m[c]![c]!;
    if (Math.abs(d) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / d;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

export function fitLinear(names: string[], rows: readonly number[][], y: readonly number[]): LinearModel {
  const d = names.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
  const sd = Array.from(
    { length: d },
    (_, j) => Math.sqrt(rows.reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / rows.length) || 1,
  );
  const z = rows.map((r) => [1, ...r.map((v, j) => (v - mean[j]!) / sd[j]!)]);
  const xtx = Array.from({ length: d + 1 }, (_, i) =>
    Array.from(
      { length: d + 1 },
      (_, j) => z.reduce((a, r) => a + r[i]! * r[j]!, 0) + (i === j && i > 0 ? RIDGE_LAMBDA : 0),
    ),
  );
  const xty = Array.from({ length: d + 1 }, (_, i) => z.reduce((a, r, n) => a + r[i]! * y[n]!, 0));
  return { names, mean, sd, beta: solve(xtx, xty) };
}

export function predictLinear(m: LinearModel, row: readonly number[]): number {
  let s = m.beta[0]!;
  for (let j = 0; j < row.length; j++) s += m.beta[j + 1]! * ((row[j]! - m.mean[j]!) / m.sd[j]!);
  return s;
}
