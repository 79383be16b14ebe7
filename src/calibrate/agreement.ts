/**
 * Agreement between judge and human scores, each metric with a seeded percentile bootstrap
 * interval. Resampling works on category indices in typed arrays: one pass over the items per
 * resample builds the confusion table, and every metric reads the table.
 */

import { prng } from "../util/prng.js";
import { categoryCount, categoryOf, categoryValue, type HumanScale } from "./categories.js";
import { METRICS, type Metric, type MetricName, type Table } from "./metrics.js";

export interface MetricWithCi {
  readonly value: number | null;
  readonly ci?: [number, number] | null;
  readonly reason?: string;
}

export interface AgreementReport {
  readonly n: number;
  readonly scale: HumanScale;
  readonly metrics: Record<MetricName, MetricWithCi>;
  /** human value → judge value → count */
  readonly confusion: Record<string, Record<string, number>>;
}

export interface AgreementOptions {
  readonly resamples?: number;
  readonly seed?: number;
}

function table(k: number, values: number[], h: Int32Array, p: Int32Array, pick?: Int32Array): Table {
  const counts = new Float64Array(k * k);
  const n = pick ? pick.length : h.length;
  for (let x = 0; x < n; x++) {
    const i = pick ? pick[x]! : x;
    counts[h[i]! * k + p[i]!]! += 1;
  }
  return { k, counts, values, n };
}

function percentile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** `pred` and `gold` must already be values on `scale` (snapped); others throw. */
export function agreement(
  pred: readonly number[],
  gold: readonly number[],
  scale: HumanScale,
  opts: AgreementOptions = {},
): AgreementReport {
  if (pred.length !== gold.length) throw new Error("pred and gold differ in length");
  const k = categoryCount(scale);
  const values = Array.from({ length: k }, (_, i) => categoryValue(scale, i));
  const h = new Int32Array(gold.length);
  const p = new Int32Array(pred.length);
  for (let i = 0; i < gold.length; i++) {
    h[i] = categoryOf(scale, gold[i]!);
    p[i] = categoryOf(scale, pred[i]!);
    if (h[i]! < 0 || p[i]! < 0)
      throw new Error(
        `value ${h[i]! < 0 ? gold[i] : pred[i]} is not on the scale ${scale.min}..${scale.max} step ${scale.step}`,
      );
  }
  const full = table(k, values, h, p);
  const names = Object.keys(METRICS) as MetricName[];
  const point: Record<string, Metric> = {};
  for (const name of names) point[name] = METRICS[name](full);
  const resamples = opts.resamples ?? 1000;
  const draws: Record<string, Float64Array> = {};
  const filled: Record<string, number> = {};
  for (const name of names) {
    draws[name] = new Float64Array(resamples);
    filled[name] = 0;
  }
  if (gold.length > 1 && resamples > 0) {
    const rand = prng(opts.seed ?? 20260101);
    const pick = new Int32Array(gold.length);
    for (let r = 0; r < resamples; r++) {
      for (let x = 0; x < pick.length; x++) pick[x] = Math.floor(rand() * pick.length);
      const t = table(k, values, h, p, pick);
      for (const name of names) {
        const m = METRICS[name](t);
        if (m.value !== null) draws[name]![filled[name]!++] = m.value;
      }
    }
  }
  const metrics = {} as Record<MetricName, MetricWithCi>;
  for (const name of names) {
    const m = point[name]!;
    if (m.value === null) {
      metrics[name] = { value: null, reason: m.reason };
      continue;
    }
    const d = draws[name]!.subarray(0, filled[name]!).sort();
    // An interval from a handful of defined resamples would be noise; require most of them.
    metrics[name] = {
      value: m.value,
      ci: d.length >= Math.max(2, resamples * 0.5) ? [percentile(d, 0.025), percentile(d, 0.975)] : null,
    };
  }
  const confusion: Record<string, Record<string, number>> = {};
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const c = full.counts[i * k + j]!;
      if (!c) continue;
      confusion[String(values[i])] ??= {};
      confusion[String(values[i])]![String(values[j])] = c;
    }
  return { n: gold.length, scale, metrics, confusion };
}
