/**
 * Pairing two runs item by item. Records are matched on `item_id`; a record with an `error`, or
 * without a usable verdict, is excluded and counted, and so is an item present in only one run or
 * a second record for the same id. What is compared:
 * - pairwise records (`preferred` "A", "B" or "tie"): the preference, as a score A = 1, tie = ½,
 *   B = 0; a flip is any change of the preferred side (A → tie included);
 * - pointwise records: `calibrated_score` when every paired record of both runs has one, else
 *   `raw_score`; a flip is a change of at least one scale step (the records' `scale`, step 1
 *   when they carry none).
 * The direction of a flip is the sign of (candidate − base): up / toward A is +1.
 */
import { RulersError } from "../util/errors.js";
export type Rec = Record<string, unknown> & { readonly item_id: string };

export class DriftError extends RulersError {
  override readonly code: string = "drift";
  override readonly name = "DriftError";
}

export interface Pair {
  readonly id: string;
  readonly base: Rec;
  readonly cand: Rec;
  /** Scores: pointwise the score, pairwise the preference share of A. */
  readonly b: number;
  readonly c: number;
  /** 0 when not a flip, else the sign of c − b. */
  readonly flip: -1 | 0 | 1;
  readonly slice: string | null;
}

export interface Paired {
  readonly mode: "pairwise" | "pointwise";
  readonly score_field: "preferred" | "raw_score" | "calibrated_score";
  readonly step: number;
  readonly scale: { readonly min: number; readonly step: number } | null;
  readonly pairs: Pair[];
  readonly excluded: { readonly failed: number; readonly unmatched: number; readonly duplicate: number };
  readonly warnings: string[];
}

export interface PairOptions {
  readonly probe?: ReadonlyMap<string, Record<string, unknown>>;
  readonly sliceBy?: string;
  /** Overrides the scale step a pointwise flip must reach. */
  readonly step?: number;
}

export const PREFERENCE: Readonly<Record<string, number>> = { A: 1, tie: 0.5, B: 0 };

const failed = (r: Rec) => r.error !== undefined && r.error !== null;
const hasPreference = (r: Rec) => typeof r.preferred === "string" && r.preferred in PREFERENCE;
const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** The first record of each id; later ones with the same id are duplicates (e.g. a repeated row). */
function byId(
  records: readonly Rec[],
  usable: (r: Rec) => boolean,
): { map: Map<string, Rec>; duplicate: number; failed: number } {
  const map = new Map<string, Rec>();
  const bad = new Map<string, number>();
  let duplicate = 0;
  for (const r of records) {
    if (!usable(r)) bad.set(r.item_id, (bad.get(r.item_id) ?? 0) + 1);
    else if (map.has(r.item_id)) duplicate++;
    else map.set(r.item_id, r);
  }
  // A failed record of an id that also has a good one is a duplicate (a repeated row), not a failed item.
  let failedItems = 0;
  for (const [id, n] of bad) {
    if (map.has(id)) duplicate += n;
    else failedItems += n;
  }
  return { map, duplicate, failed: failedItems };
}

function scaleOf(r: Rec | undefined): { min: number; step: number } | null {
  const s = r?.scale as { kind?: string; min?: number; step?: number } | undefined;
  if (s?.kind === "numeric" && finite(s.min) && finite(s.step) && s.step > 0) return { min: s.min, step: s.step };
  if (s?.kind === "pass_fail") return { min: 0, step: 1 };
  return null;
}

function sliceOf(r: Rec, opts: PairOptions): string | null {
  if (!opts.sliceBy) return null;
  const v = opts.probe?.get(r.item_id)?.[opts.sliceBy] ?? r[opts.sliceBy];
  if (v === undefined || v === null || v === "") return null;
  return typeof v === "string" ? v : JSON.stringify(v);
}

function modelsOf(records: Iterable<Rec>): string {
  const models = new Set<string>();
  for (const r of records) {
    const m = (r.judge as { model?: unknown } | undefined)?.model;
    if (typeof m === "string") models.add(m);
  }
  return [...models].sort().join(", ");
}

export function pairRuns(base: readonly Rec[], candidate: readonly Rec[], opts: PairOptions = {}): Paired {
  const sideIsPairwise = (rs: readonly Rec[]) => {
    const ok = rs.find((r) => !failed(r) && (hasPreference(r) || finite(r.raw_score)));
    return ok === undefined ? null : hasPreference(ok);
  };
  const pb = sideIsPairwise(base);
  const pc = sideIsPairwise(candidate);
  if (pb !== null && pc !== null && pb !== pc) {
    throw new DriftError(
      "one run is pairwise (records carry `preferred`) and the other is not; compare runs of the same mode",
    );
  }
  const pairwise = pb ?? pc ?? false;
  const usable = pairwise ? (r: Rec) => !failed(r) && hasPreference(r) : (r: Rec) => !failed(r) && finite(r.raw_score);
  const bs = byId(base, usable);
  const cs = byId(candidate, usable);
  const shared: [Rec, Rec][] = [];
  for (const [id, b] of bs.map) {
    const c = cs.map.get(id);
    if (c) shared.push([b, c]);
  }
  const unmatched = bs.map.size + cs.map.size - 2 * shared.length;
  const useCal =
    !pairwise &&
    shared.length > 0 &&
    shared.every(([b, c]) => finite(b.calibrated_score) && finite(c.calibrated_score));
  const field = pairwise ? "preferred" : useCal ? "calibrated_score" : "raw_score";
  const scale = scaleOf(shared[0]?.[0]);
  const step = opts.step ?? scale?.step ?? 1;
  const scoreOf = pairwise ? (r: Rec) => PREFERENCE[r.preferred as string]! : (r: Rec) => r[field] as number;
  const pairs: Pair[] = new Array(shared.length);
  for (let i = 0; i < shared.length; i++) {
    const [b, c] = shared[i]!;
    const sb = scoreOf(b);
    const sc = scoreOf(c);
    const changed = pairwise ? b.preferred !== c.preferred : Math.abs(sc - sb) >= step - 1e-9;
    pairs[i] = {
      id: b.item_id,
      base: b,
      cand: c,
      b: sb,
      c: sc,
      flip: changed ? (sc > sb ? 1 : -1) : 0,
      slice: sliceOf(b, opts) ?? sliceOf(c, opts),
    };
  }

  const warnings: string[] = [];
  const hashes = (m: Map<string, Rec>) =>
    new Set(
      [...m.values()]
        .map((r) => (r.bundle as { hash?: unknown } | undefined)?.hash)
        .filter((h) => typeof h === "string"),
    );
  const hb = hashes(bs.map);
  const hc = hashes(cs.map);
  if (hb.size === 1 && hc.size === 1 && [...hb][0] === [...hc][0])
    warnings.push(`both runs were judged with the same bundle (${[...hb][0]}): any flip is judge noise`);
  const mb = modelsOf(bs.map.values());
  const mc = modelsOf(cs.map.values());
  if (mb && mc && mb !== mc)
    warnings.push(
      `the runs used different judge models (base: ${mb}; candidate: ${mc}): flips mix the rubric edit with the judge change`,
    );
  const sc = scaleOf(shared[0]?.[1]);
  if (scale && sc && (scale.min !== sc.min || scale.step !== sc.step))
    warnings.push(
      `the runs use different scales (base step ${scale.step} from ${scale.min}, candidate step ${sc.step} from ${sc.min}); flips are counted in base steps`,
    );
  return {
    mode: pairwise ? "pairwise" : "pointwise",
    score_field: field,
    step,
    scale: pairwise ? null : scale,
    pairs,
    excluded: { failed: bs.failed + cs.failed, unmatched, duplicate: bs.duplicate + cs.duplicate },
    warnings,
  };
}

/**
 * Whether a verdict agrees with a human label. Pairwise: the preferred side equals the label
 * ("A", "B", "tie"; a numeric label is read as a preference share). Pointwise: the score,
 * snapped to the nearest scale step, equals the label snapped the same way; on a pass/fail scale
 * "pass" and "fail" read as 1 and 0. An unusable label gives null (the item is unlabelled).
 */
export function labelCorrect(
  mode: Paired["mode"],
  scale: Paired["scale"],
  step: number,
  verdict: number,
  preferred: unknown,
  label: number | string | undefined,
): boolean | null {
  if (label === undefined) return null;
  if (mode === "pairwise") {
    if (typeof label === "string") return label in PREFERENCE ? preferred === label : null;
    return Math.abs(verdict - label) < 1e-9;
  }
  const value =
    typeof label === "number" ? label : label.toLowerCase() === "pass" ? 1 : label.toLowerCase() === "fail" ? 0 : null;
  if (value === null) return null;
  const min = scale?.min ?? 0;
  const snap = (x: number) => Math.round((x - min) / step);
  return snap(verdict) === snap(value);
}
