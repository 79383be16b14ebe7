/**
 * Scores as categories. Agreement is computed over the scale's own categories (a 1–5 scale in
 * half points has nine), so QWK on half-point scales is exact rather than rounded to integers.
 */
export interface HumanScale {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

function decimals(n: number): number {
  const s = String(n);
  if (s.includes("e-")) return Number(s.split("e-")[1]);
  const dot = s.indexOf(".");
  return dot === -1 ? 0 : s.length - dot - 1;
}

/** The largest step (a power-of-ten fraction allowed) that divides every difference. */
export function inferScale(values: readonly number[]): HumanScale {
  if (values.length === 0) throw new Error("no values to infer a scale from");
  let min = Infinity;
  let max = -Infinity;
  let d = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    d = Math.max(d, decimals(v));
  }
  const f = 10 ** d;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let g = 0;
  for (const v of values) g = gcd(g, Math.round((v - min) * f));
  return { min, max, step: g === 0 ? 1 : g / f };
}

export function parseScale(text: string): HumanScale {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\.\.|to)\s*(-?\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  if (!m) throw new Error(`scale \`${text}\` is not MIN..MAX[:STEP], e.g. \`1..5:0.5\``);
  const scale = { min: Number(m[1]), max: Number(m[2]), step: m[3] ? Number(m[3]) : 1 };
  if (!(scale.max > scale.min) || !(scale.step > 0))
    throw new Error(`scale \`${text}\` needs MIN below MAX and a positive STEP`);
  return scale;
}

export function categoryCount(s: HumanScale): number {
  return Math.round((s.max - s.min) / s.step) + 1;
}

/** Category index of a value, or -1 when it is off the scale (not on a step, or outside). */
export function categoryOf(s: HumanScale, v: number): number {
  const k = (v - s.min) / s.step;
  const i = Math.round(k);
  if (Math.abs(k - i) > 1e-6 || i < 0 || i >= categoryCount(s)) return -1;
  return i;
}

export function categoryValue(s: HumanScale, i: number): number {
  return Number((s.min + i * s.step).toFixed(Math.max(decimals(s.step), decimals(s.min))));
}

/** Nearest category to a value, clamped to the scale. */
export function snap(s: HumanScale, v: number): number {
  const i = Math.min(categoryCount(s) - 1, Math.max(0, Math.round((v - s.min) / s.step + 1e-9)));
  return categoryValue(s, i);
}

/** A scale covering two others on a common step (for raw scores on a different range). */
export function union(a: HumanScale, b: HumanScale): HumanScale {
  return inferScale([a.min, a.max, a.min + a.step, b.min, b.max, b.min + b.step]);
}

export interface OntoScale {
  readonly values: number[];
  /** Scores inside the scale but between its categories, rounded to the nearest one. */
  readonly rounded: number;
  /** Scores outside the scale, clamped to its ends. */
  readonly clamped: number;
}

/**
 * Scores on any grid or range, as categories of `s`: clamped to its ends, then rounded to the
 * nearest category. Agreement is then over the label scale's k categories, never a scale
 * widened to the judge's grid (0.01 steps would make hundreds of categories and O(k²) tables).
 */
export function ontoScale(s: HumanScale, scores: readonly number[]): OntoScale {
  let rounded = 0;
  let clamped = 0;
  const eps = 1e-9 * Math.max(1, Math.abs(s.max), Math.abs(s.min));
  const values = scores.map((v) => {
    const out = snap(s, v);
    if (v < s.min - eps || v > s.max + eps) clamped++;
    else if (Math.abs(out - v) > eps) rounded++;
    return out;
  });
  return { values, rounded, clamped };
}
