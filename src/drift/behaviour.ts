/**
 * Behavioural drift: the same probe rows judged under two bundles, compared item by item.
 * `compareRuns` is all of `rulers drift` after the judging: the live mode produces the two record
 * arrays with the executor, `--from-runs` reads them from files, and both end here.
 * Pairing and flips are defined in records.ts, the statistics in slices.ts and stats.ts
 * (without labels the exact sign test on the flip directions; with labels the exact McNemar test
 * on correct→wrong vs wrong→correct), the response features in features.ts.
 */
import { type FeatureFinding, featureFindings } from "./features.js";
import { type Pair, type PairOptions, pairRuns, type Rec } from "./records.js";
import { type SliceStats, sliceStats, type Thresholds } from "./slices.js";

export interface FlippedItem {
  readonly item_id: string;
  readonly slice: string | null;
  /** The verdicts: pairwise the preferred side, pointwise the score. */
  readonly base: unknown;
  readonly candidate: unknown;
  readonly base_record: Rec;
  readonly candidate_record: Rec;
}

export interface DriftReport {
  readonly mode: "pairwise" | "pointwise";
  readonly score_field: "preferred" | "raw_score" | "calibrated_score";
  /** The score change a pointwise flip must reach. */
  readonly step: number;
  readonly excluded: number;
  readonly excluded_detail: { readonly failed: number; readonly unmatched: number; readonly duplicate: number };
  readonly thresholds: { readonly max_flip_rate: number | null; readonly alpha: number | null };
  readonly overall: SliceStats;
  readonly slices: Record<string, SliceStats>;
  readonly features: FeatureFinding[];
  readonly flipped: FlippedItem[];
  readonly warnings: string[];
  readonly drift: boolean;
}

export interface DriftOptions extends PairOptions, Thresholds {
  /** item_id → label: pairwise "A" / "B" / "tie", pointwise a score (records.ts labelCorrect). */
  readonly labels?: ReadonlyMap<string, number | string>;
  /** Pointwise: the probe field holding the judged response (default `response`). */
  readonly textField?: string;
  /** Pairwise: the two compared probe fields (default `response_a`, `response_b`). */
  readonly compare?: readonly [string, string];
}

/** Slice name for items whose slice field is missing. */
export const NO_SLICE = "(none)";

export function compareRuns(base: readonly Rec[], candidate: readonly Rec[], opts: DriftOptions = {}): DriftReport {
  const paired = pairRuns(base, candidate, opts);
  const overall = sliceStats(paired.pairs, paired, opts, opts.labels);
  const slices: Record<string, SliceStats> = {};
  if (opts.sliceBy) {
    const groups = new Map<string, Pair[]>();
    for (const p of paired.pairs) {
      const key = p.slice ?? NO_SLICE;
      const g = groups.get(key);
      if (g) g.push(p);
      else groups.set(key, [p]);
    }
    for (const key of [...groups.keys()].sort()) slices[key] = sliceStats(groups.get(key)!, paired, opts, opts.labels);
  }
  const fields =
    paired.mode === "pairwise"
      ? (opts.compare ?? (["response_a", "response_b"] as const))
      : ([opts.textField ?? "response"] as const);
  const e = paired.excluded;
  return {
    mode: paired.mode,
    score_field: paired.score_field,
    step: paired.step,
    excluded: e.failed + e.unmatched + e.duplicate,
    excluded_detail: e,
    thresholds: { max_flip_rate: opts.maxFlipRate ?? null, alpha: opts.alpha ?? null },
    overall,
    slices,
    features: opts.probe ? featureFindings(paired.pairs, paired.mode, { probe: opts.probe, fields }) : [],
    flipped: paired.pairs
      .filter((p) => p.flip !== 0)
      .map((p) => ({
        item_id: p.id,
        slice: p.slice,
        base: paired.mode === "pairwise" ? p.base.preferred : p.b,
        candidate: paired.mode === "pairwise" ? p.cand.preferred : p.c,
        base_record: p.base,
        candidate_record: p.cand,
      })),
    warnings: paired.warnings,
    drift: overall.drift || Object.values(slices).some((s) => s.drift),
  };
}
