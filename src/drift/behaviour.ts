/**
 * Behavioural drift: the same probe rows judged under two bundles, compared item by item.
 * Definitions (also in the README):
 * - a pairwise record's score is its preference share (A = 1, tie = ½, B = 0); a pointwise
 *   record's is `calibrated_score` when both runs have one for every item, else `raw_score`;
 * - a flip is a changed preference (pairwise) or a score change of at least one scale step;
 * - `toward_candidate` counts flips where the candidate scored higher (pointwise: up; pairwise:
 *   toward A), `toward_base` flips where the base did (down; toward B);
 * - without labels, p is the exact two-sided sign test on those two counts; with labels it is
 *   the exact McNemar test on correct→wrong vs wrong→correct (pairwise correct = the preferred
 *   side equals the label; pointwise correct = the score equals the label);
 * - a slice drifts when its flip rate exceeds --max-flip-rate or its p-value is below --alpha.
 */
import { FEATURE_NAMES, featuresOf, type ResponseFeatures } from "./features.js";
import { mcnemarExact, pearson, signTest } from "./stats.js";

export type Rec = Record<string, unknown> & { item_id: string };

export interface SliceStats {
  readonly n: number;
  readonly flips: number;
  readonly flip_rate: number | null;
  readonly toward_base: number;
  readonly toward_candidate: number;
  readonly mean_shift: number | null;
  readonly p_value: number;
  readonly accuracy_base?: number | null;
  readonly accuracy_candidate?: number | null;
  readonly correct_to_wrong?: number;
  readonly wrong_to_correct?: number;
  readonly drift: boolean;
}

export interface FeatureFinding {
  readonly feature: keyof ResponseFeatures;
  /** pairwise: flips whose new preference differs on this feature */
  readonly flips_considered?: number;
  /** pairwise: share of those where the candidate now prefers the response with more of it */
  readonly share_toward_more?: number | null;
  /** pointwise: correlation between the score shift and the feature */
  readonly correlation?: number | null;
  readonly follows: boolean;
  readonly summary: string;
}

export interface FlippedItem {
  readonly item_id: string;
  readonly base: unknown;
  readonly candidate: unknown;
  readonly base_record: Rec;
  readonly candidate_record: Rec;
}

export interface DriftReport {
  readonly mode: "pairwise" | "pointwise";
  readonly score_field: "raw_score" | "calibrated_score" | "preferred";
  readonly excluded: number;
  readonly overall: SliceStats;
  readonly slices: Record<string, SliceStats>;
  readonly features: FeatureFinding[];
  readonly flipped: FlippedItem[];
  readonly drift: boolean;
}

export interface DriftOptions {
  readonly labels?: ReadonlyMap<string, number | string>;
  /** Probe rows by id, for slicing and for response features. */
  readonly probe?: ReadonlyMap<string, Record<string, unknown>>;
  readonly sliceBy?: string;
  readonly maxFlipRate?: number;
  readonly alpha?: number;
  readonly textField?: string;
  readonly compare?: readonly [string, string];
}

const PREF: Record<string, number> = { A: 1, tie: 0.5, B: 0 };

interface Paired {
  id: string;
  base: Rec;
  cand: Rec;
  b: number;
  c: number;
  flipped: boolean;
  slice: string | null;
}

function stepOf(r: Rec): number {
  const s = r.scale as { kind?: string; step?: number } | undefined;
  return s?.kind === "numeric" && typeof s.step === "number" ? s.step : 1;
}

function sliceStats(items: readonly Paired[], pairwise: boolean, opts: DriftOptions): SliceStats {
  const n = items.length;
  const flips = items.filter((p) => p.flipped);
  const up = flips.filter((p) => p.c > p.b).length;
  const down = flips.filter((p) => p.c < p.b).length;
  const mean = n ? items.reduce((a, p) => a + (p.c - p.b), 0) / n : null;
  const out: Record<string, unknown> = {
    n,
    flips: flips.length,
    flip_rate: n ? flips.length / n : null,
    toward_base: down,
    toward_candidate: up,
    mean_shift: mean === null ? null : Math.round(mean * 1e9) / 1e9,
    p_value: signTest(up, up + down),
  };
  if (opts.labels) {
    const correct = (r: Rec, v: number) => {
      const label = opts.labels!.get(r.item_id);
      if (label === undefined) return null;
      if (pairwise) return r.preferred === label;
      return typeof label === "number" && Math.abs(v - label) < 1e-9;
    };
    let cb = 0, cc = 0, c2w = 0, w2c = 0, labelled = 0;
    for (const p of items) {
      const a = correct(p.base, p.b);
      const b = correct(p.cand, p.c);
      if (a === null || b === null) continue;
      labelled++;
      if (a) cb++;
      if (b) cc++;
      if (a && !b) c2w++;
      if (!a && b) w2c++;
    }
    Object.assign(out, {
      accuracy_base: labelled ? cb / labelled : null,
      accuracy_candidate: labelled ? cc / labelled : null,
      correct_to_wrong: c2w,
      wrong_to_correct: w2c,
      p_value: mcnemarExact(c2w, w2c),
    });
  }
  const rate = out.flip_rate as number | null;
  out.drift = (opts.maxFlipRate !== undefined && rate !== null && rate > opts.maxFlipRate) || (opts.alpha !== undefined && (out.p_value as number) < opts.alpha);
  return out as unknown as SliceStats;
}

function featureFindings(items: readonly Paired[], pairwise: boolean, opts: DriftOptions): FeatureFinding[] {
  if (!opts.probe) return [];
  const out: FeatureFinding[] = [];
  if (pairwise) {
    const [fa, fb] = opts.compare ?? ["response_a", "response_b"];
    for (const name of FEATURE_NAMES) {
      let considered = 0;
      let toward = 0;
      for (const p of items) {
        if (!p.flipped || p.cand.preferred === "tie") continue;
        const row = opts.probe.get(p.id);
        if (!row) continue;
        const a = featuresOf(String(row[fa] ?? ""))[name];
        const b = featuresOf(String(row[fb] ?? ""))[name];
        if (a === b) continue;
        considered++;
        const more = a > b ? "A" : "B";
        if (p.cand.preferred === more) toward++;
      }
      const share = considered ? toward / considered : null;
      const follows = share !== null && considered >= 3 && Math.abs(share - 0.5) >= 0.25;
      out.push({
        feature: name,
        flips_considered: considered,
        share_toward_more: share,
        follows,
        summary: share === null ? `no flip separates the responses by ${name}` : `${Math.round(share * 100)}% of ${considered} flips now favour the response with more ${name}`,
      });
    }
    return out;
  }
  const field = opts.textField ?? "response";
  const withRows = items.filter((p) => opts.probe!.has(p.id));
  for (const name of FEATURE_NAMES) {
    const xs = withRows.map((p) => featuresOf(String(opts.probe!.get(p.id)![field] ?? ""))[name]);
    const ys = withRows.map((p) => p.c - p.b);
    const r = pearson(xs, ys);
    const follows = r !== null && Math.abs(r) >= 0.3 && withRows.some((p) => p.flipped);
    out.push({ feature: name, correlation: r, follows, summary: r === null ? `${name} or the shift does not vary` : `score shift correlates ${r >= 0 ? "+" : ""}${r.toFixed(2)} with ${name}` });
  }
  return out;
}

export function compareRuns(base: readonly Rec[], candidate: readonly Rec[], opts: DriftOptions = {}): DriftReport {
  const candById = new Map(candidate.map((r) => [r.item_id, r]));
  const usable = (r: Rec | undefined) => r !== undefined && r.error === undefined && (typeof r.preferred === "string" || typeof r.raw_score === "number");
  const pairwise = base.some((r) => typeof r.preferred === "string");
  const useCal = !pairwise && [...base, ...candidate].filter((r) => r.error === undefined).every((r) => typeof r.calibrated_score === "number");
  const scoreOf = (r: Rec) => (pairwise ? PREF[r.preferred as string] ?? 0.5 : ((useCal ? r.calibrated_score : r.raw_score) as number));
  const items: Paired[] = [];
  let excluded = 0;
  for (const b of base) {
    const c = candById.get(b.item_id);
    if (!usable(b) || !usable(c)) {
      excluded++;
      continue;
    }
    const bs = scoreOf(b);
    const cs = scoreOf(c!);
    const flipped = pairwise ? b.preferred !== c!.preferred : Math.abs(cs - bs) >= stepOf(b) - 1e-9;
    const sliceValue = opts.sliceBy ? (opts.probe?.get(b.item_id)?.[opts.sliceBy] ?? b[opts.sliceBy]) : undefined;
    items.push({ id: b.item_id, base: b, cand: c!, b: bs, c: cs, flipped, slice: sliceValue === undefined || sliceValue === null ? null : String(sliceValue) });
  }
  const baseIds = new Set(base.map((b) => b.item_id));
  excluded += candidate.filter((r) => !baseIds.has(r.item_id)).length;
  const overall = sliceStats(items, pairwise, opts);
  const slices: Record<string, SliceStats> = {};
  if (opts.sliceBy) {
    const groups = new Map<string, Paired[]>();
    for (const p of items) {
      const key = p.slice ?? "(none)";
      const g = groups.get(key);
      if (g) g.push(p);
      else groups.set(key, [p]);
    }
    for (const key of [...groups.keys()].sort()) slices[key] = sliceStats(groups.get(key)!, pairwise, opts);
  }
  return {
    mode: pairwise ? "pairwise" : "pointwise",
    score_field: pairwise ? "preferred" : useCal ? "calibrated_score" : "raw_score",
    excluded,
    overall,
    slices,
    features: featureFindings(items, pairwise, opts),
    flipped: items.filter((p) => p.flipped).map((p) => ({ item_id: p.id, base: pairwise ? p.base.preferred : p.b, candidate: pairwise ? p.cand.preferred : p.c, base_record: p.base, candidate_record: p.cand })),
    drift: overall.drift || Object.values(slices).some((s) => s.drift),
  };
}
