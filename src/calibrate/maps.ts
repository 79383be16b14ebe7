/**
 * The three monotone maps from a judge's raw score to the human scale.
 * - ot: 1-D optimal transport (quantile mapping). Sorting both samples and pairing them by rank
 *   is the Wasserstein-optimal monotone coupling; a block of tied raw scores maps to the mean
 *   of the human scores at its ranks (the barycentric projection), which keeps it monotone.
 * - isotonic: pool-adjacent-violators regression of human on raw (least squares, monotone).
 * - thresholds: cut points on the raw score, one per category boundary, chosen by coordinate
 *   ascent to maximise quadratic weighted kappa on the fit data.
 * Piecewise maps interpolate linearly between their points and clamp outside them; every
 * output is snapped to the human scale's step.
 */
import { categoryCount, categoryValue, type HumanScale, snap } from "./categories.js";
import { kappa } from "./metrics.js";

export type CalibrationMap =
  | { readonly kind: "piecewise"; readonly xs: number[]; readonly ys: number[] }
  | { readonly kind: "thresholds"; readonly cuts: number[]; readonly values: number[] };

export interface Pair {
  readonly x: number;
  readonly y: number;
}

/** Unique x values in order with the y values of each, for tie-aware fitting. */
function groups(pairs: readonly Pair[]): { x: number; ys: number[] }[] {
  const sorted = [...pairs].sort((a, b) => a.x - b.x || a.y - b.y);
  const out: { x: number; ys: number[] }[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && last.x === p.x) last.ys.push(p.y);
    else out.push({ x: p.x, ys: [p.y] });
  }
  return out;
}

export function fitOt(pairs: readonly Pair[]): CalibrationMap {
  const human = pairs.map((p) => p.y).sort((a, b) => a - b);
  const xs: number[] = [];
  const ys: number[] = [];
  let rank = 0;
  for (const g of groups(pairs)) {
    let s = 0;
    for (let i = rank; i < rank + g.ys.length; i++) s += human[i]!;
    xs.push(g.x);
    ys.push(s / g.ys.length);
    rank += g.ys.length;
  }
  return { kind: "piecewise", xs, ys };
}

export function fitIsotonic(pairs: readonly Pair[]): CalibrationMap {
  const gs = groups(pairs);
  // Blocks of [sum, weight, first index]; merge while a block's mean is below its predecessor's.
  const sum: number[] = [];
  const weight: number[] = [];
  const start: number[] = [];
  gs.forEach((g, i) => {
    sum.push(g.ys.reduce((a, b) => a + b, 0));
    weight.push(g.ys.length);
    start.push(i);
    while (
      sum.length > 1 &&
      sum[sum.length - 2]! / weight[weight.length - 2]! > sum[sum.length - 1]! / weight[weight.length - 1]!
    ) {
      const s = sum.pop()!,
        w = weight.pop()!;
      start.pop();
      sum[sum.length - 1]! += s;
      weight[weight.length - 1]! += w;
    }
  });
  const ys = new Array<number>(gs.length);
  for (let b = 0; b < start.length; b++) {
    const end = b + 1 < start.length ? start[b + 1]! : gs.length;
    for (let i = start[b]!; i < end; i++) ys[i] = sum[b]! / weight[b]!;
  }
  return { kind: "piecewise", xs: gs.map((g) => g.x), ys };
}

function predictCategory(cuts: readonly number[], x: number): number {
  let c = 0;
  while (c < cuts.length && x >= cuts[c]!) c++;
  return c;
}

export function fitThresholds(pairs: readonly Pair[], scale: HumanScale): CalibrationMap {
  const k = categoryCount(scale);
  let gs = groups(pairs);
  // Many distinct raw scores: merge neighbours into ~256 bins of similar size. Cuts then fall on
  // bin starts, where every member of a bin is on the same side of every cut.
  const MAX_BINS = 256;
  if (gs.length > MAX_BINS) {
    const per = Math.ceil(pairs.length / MAX_BINS);
    const binned: { x: number; ys: number[] }[] = [];
    for (const g of gs) {
      const last = binned[binned.length - 1];
      if (last && last.ys.length < per) last.ys.push(...g.ys);
      else binned.push({ x: g.x, ys: [...g.ys] });
    }
    gs = binned;
  }
  // Histogram of human categories per unique raw value: QWK of any cut vector is then O(R·K).
  const hist = gs.map((g) => {
    const h = new Float64Array(k);
    for (const y of g.ys) h[Math.round((snap(scale, y) - scale.min) / scale.step)]! += 1;
    return h;
  });
  const candidates = gs.map((g) => g.x);
  const n = pairs.length;
  const qwkOf = (cuts: number[]) => {
    const counts = new Float64Array(k * k);
    gs.forEach((g, r) => {
      const p = predictCategory(cuts, g.x);
      const h = hist[r]!;
      for (let i = 0; i < k; i++) counts[i * k + p]! += h[i]!;
    });
    const m = kappa({ k, counts, values: [], n }, "quadratic");
    return m.value ?? -Infinity;
  };
  // Start from the quantile-matching cuts (what ot would do), then improve one cut at a time.
  const human = pairs.map((p) => p.y).sort((a, b) => a - b);
  const raw = pairs.map((p) => p.x).sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let c = 1; c < k; c++) {
    const boundary = categoryValue(scale, c) - scale.step / 2;
    const below = human.filter((y) => y < boundary).length;
    cuts.push(raw[Math.min(raw.length - 1, below)]!);
  }
  for (let i = 1; i < cuts.length; i++) cuts[i] = Math.max(cuts[i]!, cuts[i - 1]!);
  let best = qwkOf(cuts);
  for (let pass = 0; pass < 8; pass++) {
    let improved = false;
    for (let c = 0; c < cuts.length; c++) {
      const lo = c > 0 ? cuts[c - 1]! : -Infinity;
      const hi = c + 1 < cuts.length ? cuts[c + 1]! : Infinity;
      for (const cand of [...candidates, Infinity]) {
        if (cand < lo || cand > hi || cand === cuts[c]) continue;
        const old = cuts[c]!;
        cuts[c] = cand;
        const q = qwkOf(cuts);
        if (q > best + 1e-12) {
          best = q;
          improved = true;
        } else cuts[c] = old;
      }
    }
    if (!improved) break;
  }
  // Infinity cannot be written as JSON: a cut no raw score reaches becomes max + 1.
  const ceiling = (raw[raw.length - 1] ?? 0) + 1;
  return {
    kind: "thresholds",
    cuts: cuts.map((c) => (Number.isFinite(c) ? c : ceiling)),
    values: Array.from({ length: k }, (_, i) => categoryValue(scale, i)),
  };
}

export function applyMap(map: CalibrationMap, x: number, scale: HumanScale): number {
  if (map.kind === "thresholds") return map.values[predictCategory(map.cuts, x)]!;
  const { xs, ys } = map;
  if (x <= xs[0]!) return snap(scale, ys[0]!);
  if (x >= xs[xs.length - 1]!) return snap(scale, ys[ys.length - 1]!);
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const t = (x - xs[lo]!) / (xs[hi]! - xs[lo]!);
  return snap(scale, ys[lo]! + t * (ys[hi]! - ys[lo]!));
}
