/**
 * Behavioural drift: the same probe rows judged under two bundles, compared item by item.
 * `compareRuns` is all of `rulers drift` after the judging: the live mode produces the two record
 * arrays with the executor, `--from-runs` reads them from files, and both end here.
 * Pairing and flips are defined in records.ts, the statistics in slices.ts and stats.ts
 * (without labels the exact sign test on the flip directions; with labels the exact McNemar test
 * on correct→wrong vs wrong→correct), the response features in features.ts, the counterfactual
 * attributes in attributes.ts.
 *
 * What decides (`drift`, exit 3): any slice's flip rate or tests (slices.ts), and any response
 * feature the flips follow or probe attribute they move along, when its name is in `failOn`
 * (default: DEFAULT_FAIL_ON). `direction` is the overall sign test itself; `position` turns on
 * both the pairwise sign test (flips toward A vs toward B) and the `position` probe attribute.
 */
import { type AttributeDrift, attributeDrift } from "./attributes.js";
import { type FeatureFinding, featureFindings } from "./features.js";
import { minimumDetectableFlipRate } from "./plan.js";
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
  /** Counterfactual probe attributes (probe rows tagged by `rulers probes`), pairwise only. */
  readonly attributes: AttributeDrift[];
  /** The names that decide, as given to `failOn`. */
  readonly fail_on: string[];
  /**
   * The smallest directional flip rate these n items detect with 80% power at alpha (exact sign
   * test, no judge noise assumed; see plan.ts); null without alpha.
   */
  readonly min_detectable_flip_rate: number | null;
  readonly flipped: FlippedItem[];
  readonly warnings: string[];
  readonly drift: boolean;
  /** Why it drifts: `overall: …`, `slice code: …`, `feature length: …`, `attribute refusal: …`. */
  readonly reasons: string[];
}

/** What decides unless `--fail-on` says otherwise. */
export const DEFAULT_FAIL_ON: readonly string[] = ["direction", "length", "refusal", "position"];

/** Every name `--fail-on` accepts (besides `all` and `none`). */
export const FAIL_ON_NAMES: readonly string[] = [
  "direction",
  "position",
  "length",
  "verbosity",
  "refusal",
  "hedging",
  "format",
  "formatting",
];

/** `format` and `formatting` name the same thing: the probe attribute and the response feature. */
const canonical = (name: string) => (name === "formatting" ? "format" : name);

export interface DriftOptions extends PairOptions, Thresholds {
  /** item_id → label: pairwise "A" / "B" / "tie", pointwise a score (records.ts labelCorrect). */
  readonly labels?: ReadonlyMap<string, number | string>;
  /** Pointwise: the probe field holding the judged response (default `response`). */
  readonly textField?: string;
  /** Pairwise: the two compared probe fields (default `response_a`, `response_b`). */
  readonly compare?: readonly [string, string];
  /** Names whose directional drift decides; default DEFAULT_FAIL_ON. */
  readonly failOn?: readonly string[];
}

/** Slice name for items whose slice field is missing. */
export const NO_SLICE = "(none)";

export function compareRuns(base: readonly Rec[], candidate: readonly Rec[], opts: DriftOptions = {}): DriftReport {
  const paired = pairRuns(base, candidate, opts);
  const failOn = new Set((opts.failOn ?? DEFAULT_FAIL_ON).map(canonical));
  const direction = failOn.has("direction") || (paired.mode === "pairwise" && failOn.has("position"));
  const thresholds = { ...opts, direction };
  const overall = sliceStats(paired.pairs, paired, thresholds, opts.labels);
  const slices: Record<string, SliceStats> = {};
  if (opts.sliceBy) {
    const groups = new Map<string, Pair[]>();
    for (const p of paired.pairs) {
      const key = p.slice ?? NO_SLICE;
      const g = groups.get(key);
      if (g) g.push(p);
      else groups.set(key, [p]);
    }
    for (const key of [...groups.keys()].sort())
      slices[key] = sliceStats(groups.get(key)!, paired, thresholds, opts.labels);
  }
  const fields =
    paired.mode === "pairwise"
      ? (opts.compare ?? (["response_a", "response_b"] as const))
      : ([opts.textField ?? "response"] as const);
  const e = paired.excluded;
  const alpha = opts.alpha ?? 0.05;
  const features = opts.probe ? featureFindings(paired.pairs, paired.mode, { probe: opts.probe, fields, alpha }) : [];
  // Without alpha (tests off) features and attributes are still described at 0.05, never decide.
  const attributes = opts.probe && paired.mode === "pairwise" ? attributeDrift(paired.pairs, opts.probe, alpha) : [];
  const reasons = [
    ...overall.reasons.map((r) => `overall: ${r}`),
    ...Object.entries(slices).flatMap(([k, s]) => s.reasons.map((r) => `slice ${k}: ${r}`)),
    ...(opts.alpha === undefined
      ? []
      : features
          .filter((f) => f.follows && failOn.has(canonical(f.feature)))
          .map((f) => `feature ${f.feature}: ${f.summary}`)),
    ...(opts.alpha === undefined
      ? []
      : attributes
          .filter((a) => a.drift && failOn.has(canonical(a.attribute)))
          .map((a) => `attribute ${a.attribute}: ${a.summary}`)),
  ];
  return {
    mode: paired.mode,
    score_field: paired.score_field,
    step: paired.step,
    excluded: e.failed + e.unmatched + e.duplicate,
    excluded_detail: e,
    thresholds: { max_flip_rate: opts.maxFlipRate ?? null, alpha: opts.alpha ?? null },
    overall,
    slices,
    features,
    attributes,
    fail_on: [...failOn].sort(),
    min_detectable_flip_rate:
      opts.alpha !== undefined && overall.n > 0 ? minimumDetectableFlipRate(overall.n, { alpha: opts.alpha }) : null,
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
    drift: reasons.length > 0,
    reasons,
  };
}
