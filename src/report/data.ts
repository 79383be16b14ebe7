/**
 * Everything a report shows, computed from a run (and, when given, human labels, a calibrator,
 * a drift report and the rows' texts). Kept apart from the HTML so it can be tested as data.
 */
import {
  type AgreementReport,
  agreement,
  applyMap,
  type Calibrator,
  categoryCount,
  categoryValue,
  type HumanScale,
  inferScale,
  snap,
  union,
} from "../calibrate/index.js";
import { contentHash } from "../util/canonical.js";
import { locationName, textAtLocation } from "../util/conversation.js";

export type Rec = Record<string, unknown> & { item_id: string };

export interface CriterionSummary {
  readonly id: string;
  readonly judged: number;
  readonly counts: Record<string, number>;
  readonly evidence_verified: number;
  readonly evidence_rejected: number;
  /** Always the same verdict or level: it told no item apart from another. */
  readonly never_discriminative: boolean;
}

export interface ReportItem {
  readonly id: string;
  readonly raw: number | null;
  readonly calibrated: number | null;
  readonly human: number | null;
  readonly preferred: string | null;
  readonly error: string | null;
  readonly flags: readonly string[];
  readonly criteria: readonly {
    id: string;
    verdict: string | number | boolean | null;
    evidence: readonly {
      quote: string;
      verified: boolean;
      input: string | null;
      start?: number;
      end?: number;
      match?: string;
      /** Why a rejected quote did not count (`too-short`, `not-found`, …). */
      status?: string;
    }[];
  }[];
}

export interface SliceRate {
  readonly label: string;
  readonly n: number;
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
}

/** Pairwise runs: how often the two presentation orders agree, and which side the judge prefers. */
export interface PairwiseSummary {
  readonly n: number;
  readonly preference: { A: number; B: number; tie: number };
  /** Items judged in both orders: how many gave the same answer both ways. */
  readonly consistency: { consistent: number; inconsistent: number; rate: number; lo: number; hi: number } | null;
  /** Of the decisive single-order answers, the share that picked whichever response was shown first. */
  readonly position: { first: number; decisive: number; rate: number; lo: number; hi: number } | null;
  readonly slices: { label: string; n: number; A: number; B: number; tie: number }[];
}

export interface ReportData {
  readonly mode: "pointwise" | "pairwise";
  readonly header: {
    readonly bundle: { id: string; version: string; hash: string } | null;
    readonly models: string[];
    readonly settings: Record<string, unknown> | null;
    readonly items: number;
    readonly scored: number;
    readonly failed: number;
    readonly failures: { reason: string; count: number }[];
    readonly tokens: { prompt: number; completion: number };
    /** Sum of the records' cost_usd; null when a record's model had no price; absent when the run has no costs. */
    readonly cost_usd?: number | null;
    /** Sum of every judge call's latency: calls overlap under concurrency, so this exceeds wall time. */
    readonly judge_latency_ms: number;
    /** First start to last finish, when the records carry timestamps; null when they do not. */
    readonly wall_ms: number | null;
    readonly run_file: string;
    readonly run_modified: string | null;
  };
  readonly scale: HumanScale;
  readonly categories: number[];
  readonly distributions: { raw: number[]; calibrated: number[] | null; human: number[] | null };
  readonly calibration: { map: [number, number][]; reliability: { x: number; y: number; n: number }[] } | null;
  /** The agreement the report leads with: calibrated scores when there are any, else raw. */
  readonly agreement: AgreementReport | null;
  /** Both, side by side; `in_sample` says the calibrator was fitted on exactly these labels. */
  readonly agreements: {
    readonly raw: AgreementReport | null;
    readonly calibrated: AgreementReport | null;
    readonly calibrator: { method: string; fit_n: number; in_sample: boolean } | null;
  };
  readonly pairwise: PairwiseSummary | null;
  readonly criteria: CriterionSummary[];
  readonly drift: (Record<string, unknown> & { slices_rate: SliceRate[] }) | null;
  readonly items: ReportItem[];
  readonly texts: Record<string, Record<string, string>> | null;
}

/** Wilson score interval for a proportion: honest at small n and near 0 or 1. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 0];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/**
 * The calibrator records a hash of the (item, raw score, label) triples it was fitted on; when
 * the report's labelled items hash the same, its calibrated agreement is in-sample (optimistic).
 */
function inSample(cal: Calibrator, labelled: readonly Rec[], labels: ReadonlyMap<string, number> | undefined): boolean {
  if (!labels || labelled.length !== cal.body.fit.n) return false;
  const fit = labelled
    .map((r) => [r.item_id, r.raw_score as number, labels.get(r.item_id)!] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return contentHash(fit).slice("sha256:".length) === cal.body.fit.data_sha256;
}

/** Wall time from per-record timestamps (`started_at` / `finished_at`, ISO), when a run has them. */
function wallTime(records: readonly Rec[]): number | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of records) {
    const a = typeof r.started_at === "string" ? Date.parse(r.started_at) : NaN;
    const b = typeof r.finished_at === "string" ? Date.parse(r.finished_at) : NaN;
    if (Number.isFinite(a)) lo = Math.min(lo, a);
    if (Number.isFinite(b)) hi = Math.max(hi, b);
  }
  return Number.isFinite(lo) && Number.isFinite(hi) && hi >= lo ? hi - lo : null;
}

const PREFS = ["A", "B", "tie"] as const;
type Pref = (typeof PREFS)[number];
const isPref = (v: unknown): v is Pref => v === "A" || v === "B" || v === "tie";

function pairwiseSummary(
  scored: readonly Rec[],
  rows: ReadonlyMap<string, Record<string, unknown>> | undefined,
): PairwiseSummary {
  const preference = { A: 0, B: 0, tie: 0 };
  let consistent = 0;
  let inconsistent = 0;
  let first = 0;
  let decisive = 0;
  const slices = new Map<string, { A: number; B: number; tie: number }>();
  for (const r of scored) {
    if (!isPref(r.preferred)) continue;
    preference[r.preferred]++;
    const slice = rows?.get(r.item_id)?.slice ?? r.slice;
    if (typeof slice === "string" || typeof slice === "number") {
      const e = slices.get(String(slice)) ?? { A: 0, B: 0, tie: 0 };
      e[r.preferred]++;
      slices.set(String(slice), e);
    }
    const pos = r.position as { consistent?: unknown; inconsistent?: unknown; orders?: unknown } | undefined;
    if (!pos) continue;
    if (typeof pos.consistent === "number") consistent += pos.consistent;
    if (typeof pos.inconsistent === "number") inconsistent += pos.inconsistent;
    // orders[judge] = [answer with A shown first, answer with B shown first], in the original labels
    for (const o of Array.isArray(pos.orders) ? pos.orders : []) {
      if (!Array.isArray(o) || o.length !== 2) continue;
      const [ab, ba] = o as unknown[];
      if (ab === "A" || ab === "B") {
        decisive++;
        if (ab === "A") first++;
      }
      if (ba === "A" || ba === "B") {
        decisive++;
        if (ba === "B") first++;
      }
    }
  }
  const both = consistent + inconsistent;
  const [clo, chi] = wilson(consistent, both);
  const [plo, phi] = wilson(first, decisive);
  return {
    n: preference.A + preference.B + preference.tie,
    preference,
    consistency: both ? { consistent, inconsistent, rate: consistent / both, lo: clo, hi: chi } : null,
    position: decisive ? { first, decisive, rate: first / decisive, lo: plo, hi: phi } : null,
    slices: [...slices]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([label, e]) => ({ label, n: e.A + e.B + e.tie, ...e })),
  };
}

const offset = (v: unknown): number | undefined =>
  Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : undefined;
const verdictOf = (v: unknown): string | number | boolean | null =>
  v === null || typeof v === "number" || typeof v === "boolean" ? v : String(v);

function scaleOf(records: readonly Rec[]): HumanScale {
  const s = records.find((r) => r.scale)?.scale as
    | { kind?: string; min?: number; max?: number; step?: number }
    | undefined;
  if (s?.kind === "numeric" && s.min !== undefined && s.max !== undefined && s.step !== undefined)
    return { min: s.min, max: s.max, step: s.step };
  return { min: 0, max: 1, step: 1 };
}

export interface ReportInputs {
  readonly records: readonly Rec[];
  readonly runFile: string;
  readonly runModified?: string | null;
  readonly labels?: ReadonlyMap<string, number>;
  readonly calibrator?: Calibrator;
  readonly drift?: Record<string, unknown>;
  readonly rows?: ReadonlyMap<string, Record<string, unknown>>;
  readonly seed?: number;
  readonly resamples?: number;
}

export function buildReport(inp: ReportInputs): ReportData {
  const records = inp.records;
  const scored = records.filter((r) => r.error === undefined && typeof r.raw_score === "number");
  const failures = new Map<string, number>();
  for (const r of records)
    if (typeof r.error === "string") {
      const reason = r.error
        .replace(/^row \d+: /, "")
        .replace(/`[^`]*`/g, "`…`")
        .slice(0, 120);
      failures.set(reason, (failures.get(reason) ?? 0) + 1);
    }
  const first = scored[0] ?? records[0];
  const judge = (first?.judge ?? null) as Record<string, unknown> | null;
  const models = [
    ...new Set(
      records
        .map((r) => (r.judge as { model?: unknown } | undefined)?.model)
        .filter((m) => m !== undefined)
        .flatMap((m) => (Array.isArray(m) ? m : [m]))
        .map(String),
    ),
  ];
  let scale = scaleOf(records);
  const human = inp.labels ? [...inp.labels.values()] : [];
  if (human.length) scale = union(scale, inferScale(human));
  const cats = Array.from({ length: categoryCount(scale) }, (_, i) => categoryValue(scale, i));
  const hist = (vals: readonly number[]) => {
    const counts = new Array<number>(cats.length).fill(0);
    for (const v of vals) counts[Math.round((snap(scale, v) - scale.min) / scale.step)]!++;
    return counts;
  };
  const calibratedOf = (r: Rec): number | null =>
    typeof r.calibrated_score === "number"
      ? r.calibrated_score
      : inp.calibrator && typeof r.raw_score === "number"
        ? applyMap(inp.calibrator.body.map, r.raw_score, inp.calibrator.body.human_scale)
        : null;
  const calibrated = scored.map(calibratedOf).filter((v): v is number => v !== null);

  // Reliability: the mean human score at each raw score, with how many items it rests on.
  let calibration: ReportData["calibration"] = null;
  const labelled = inp.labels ? scored.filter((r) => inp.labels!.has(r.item_id)) : [];
  if (inp.calibrator || labelled.length) {
    const byRaw = new Map<number, { sum: number; n: number }>();
    for (const r of labelled) {
      const k = snap(scale, r.raw_score as number);
      const e = byRaw.get(k) ?? { sum: 0, n: 0 };
      e.sum += inp.labels!.get(r.item_id)!;
      e.n++;
      byRaw.set(k, e);
    }
    const map = inp.calibrator?.body.map;
    const line: [number, number][] = map
      ? map.kind === "piecewise"
        ? map.xs.map((x, i) => [x, map.ys[i]!] as [number, number])
        : map.cuts.flatMap(
            (c, i) =>
              [
                [c, map.values[i]!],
                [c, map.values[i + 1]!],
              ] as [number, number][],
          )
      : [];
    calibration = {
      map: line,
      reliability: [...byRaw].sort((a, b) => a[0] - b[0]).map(([x, e]) => ({ x, y: e.sum / e.n, n: e.n })),
    };
  }

  let agreeRaw: AgreementReport | null = null;
  let agreeCal: AgreementReport | null = null;
  if (labelled.length >= 2) {
    const gold = labelled.map((r) => snap(scale, inp.labels!.get(r.item_id)!));
    const opts = { resamples: inp.resamples ?? 1000, seed: inp.seed ?? 20260101 };
    agreeRaw = agreement(
      labelled.map((r) => snap(scale, r.raw_score as number)),
      gold,
      scale,
      opts,
    );
    const cal = labelled.map(calibratedOf);
    if (cal.every((v) => v !== null))
      agreeCal = agreement(
        cal.map((v) => snap(scale, v!)),
        gold,
        scale,
        opts,
      );
  }
  const agree = agreeCal ?? agreeRaw;

  const crit = new Map<string, { judged: number; counts: Record<string, number>; ok: number; bad: number }>();
  for (const r of scored) {
    for (const c of (r.criteria as
      | { id: string; verdict?: unknown; level?: unknown; evidence?: { verified: boolean }[] }[]
      | undefined) ?? []) {
      const e = crit.get(c.id) ?? { judged: 0, counts: {}, ok: 0, bad: 0 };
      const v = String(c.verdict ?? c.level ?? "–");
      e.judged++;
      e.counts[v] = (e.counts[v] ?? 0) + 1;
      for (const ev of c.evidence ?? []) ev.verified ? e.ok++ : e.bad++;
      crit.set(c.id, e);
    }
  }
  const criteria = [...crit].map(([id, e]) => ({
    id,
    judged: e.judged,
    counts: e.counts,
    evidence_verified: e.ok,
    evidence_rejected: e.bad,
    never_discriminative: e.judged > 1 && Object.keys(e.counts).length === 1,
  }));

  let drift: ReportData["drift"] = null;
  if (inp.drift) {
    const slices = (inp.drift.slices ?? {}) as Record<string, { n: number; flips: number }>;
    const overall = inp.drift.overall as { n: number; flips: number } | undefined;
    const rows: [string, { n: number; flips: number }][] = [
      ...(overall ? [["overall", overall] as [string, { n: number; flips: number }]] : []),
      ...Object.entries(slices),
    ];
    drift = {
      ...inp.drift,
      slices_rate: rows.map(([label, s]) => {
        const [lo, hi] = wilson(s.flips, s.n);
        return { label, n: s.n, value: s.n ? s.flips / s.n : 0, lo, hi };
      }),
    };
  }

  const items: ReportItem[] = records.map((r) => ({
    id: String(r.item_id),
    raw: typeof r.raw_score === "number" ? r.raw_score : null,
    calibrated: calibratedOf(r),
    human: inp.labels?.get(r.item_id) ?? null,
    preferred: typeof r.preferred === "string" ? r.preferred : null,
    error: typeof r.error === "string" ? r.error : null,
    flags: Array.isArray(r.flags) ? r.flags.map(String) : [],
    criteria: (
      (r.criteria as
        | {
            id: string;
            verdict?: unknown;
            level?: unknown;
            evidence?: (ReportItem["criteria"][number]["evidence"][number] & { turn?: unknown; field?: unknown })[];
          }[]
        | undefined) ?? []
    ).map((c) => ({
      id: String(c.id),
      verdict: verdictOf(c.verdict ?? c.level ?? null),
      // A run file is untrusted input: every field is coerced to the type the page expects.
      evidence: (Array.isArray(c.evidence) ? c.evidence : []).map((e) => ({
        quote: String(e.quote ?? ""),
        verified: e.verified === true,
        // A quote from a conversation is shown inside its turn: `chat[4].content`.
        input:
          typeof e.input !== "string"
            ? null
            : offset(e.turn) !== undefined && typeof e.field === "string"
              ? locationName(e.input, offset(e.turn)!, e.field)
              : e.input,
        ...(offset(e.start) !== undefined && offset(e.end) !== undefined && offset(e.end)! >= offset(e.start)!
          ? { start: offset(e.start)!, end: offset(e.end)! }
          : {}),
        ...(typeof e.match === "string" && e.match ? { match: e.match } : {}),
        ...(typeof e.status === "string" && e.status ? { status: e.status } : {}),
      })),
    })),
  }));

  let texts: ReportData["texts"] = null;
  if (inp.rows) {
    texts = {};
    for (const r of records) {
      const row = inp.rows.get(r.item_id);
      if (!row) continue;
      const inputs = new Set(
        (
          (r.criteria as { evidence?: { input?: string | null; turn?: unknown; field?: unknown }[] }[] | undefined) ??
          []
        )
          .flatMap((c) =>
            (c.evidence ?? []).map((e) =>
              typeof e.input === "string" && offset(e.turn) !== undefined && typeof e.field === "string"
                ? locationName(e.input, offset(e.turn)!, e.field)
                : e.input,
            ),
          )
          .filter((x): x is string => typeof x === "string"),
      );
      const t: Record<string, string> = {};
      for (const name of inputs) {
        if (typeof row[name] === "string") t[name] = row[name] as string;
        else {
          const at = textAtLocation(row, name);
          if (at !== undefined) t[name] = at;
        }
      }
      texts[r.item_id] = t;
    }
  }
  const tokens = records.reduce(
    (a, r) => {
      const u = r.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
      return { prompt: a.prompt + (u?.prompt_tokens ?? 0), completion: a.completion + (u?.completion_tokens ?? 0) };
    },
    { prompt: 0, completion: 0 },
  );
  const mode = records.some((r) => typeof r.preferred === "string") ? "pairwise" : "pointwise";
  const costs = records.map((r) => r.cost_usd).filter((c) => c !== undefined);
  const cost_usd = costs.length
    ? costs.some((c) => typeof c !== "number")
      ? null
      : Math.round(costs.reduce((a: number, c) => a + (c as number), 0) * 1e8) / 1e8
    : undefined;
  return {
    mode,
    header: {
      bundle: (first?.bundle as ReportData["header"]["bundle"]) ?? null,
      models,
      settings: judge
        ? {
            temperature: judge.temperature,
            seed: judge.seed,
            samples: judge.samples,
            format: judge.format,
            base_url_host: judge.base_url_host,
          }
        : null,
      items: records.length,
      scored: scored.length,
      failed: records.length - scored.length,
      failures: [...failures].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
      tokens,
      ...(cost_usd !== undefined ? { cost_usd } : {}),
      judge_latency_ms: records.reduce((a, r) => a + (typeof r.latency_ms === "number" ? r.latency_ms : 0), 0),
      wall_ms: wallTime(records),
      run_file: inp.runFile,
      run_modified: inp.runModified ?? null,
    },
    scale,
    categories: cats,
    distributions: {
      raw: hist(scored.map((r) => r.raw_score as number)),
      calibrated: calibrated.length ? hist(calibrated) : null,
      human: human.length ? hist(human) : null,
    },
    calibration,
    agreement: agree,
    agreements: {
      raw: agreeRaw,
      calibrated: agreeCal,
      calibrator: inp.calibrator
        ? {
            method: inp.calibrator.body.method,
            fit_n: inp.calibrator.body.fit.n,
            in_sample: inSample(inp.calibrator, labelled, inp.labels),
          }
        : null,
    },
    pairwise: mode === "pairwise" ? pairwiseSummary(scored, inp.rows) : null,
    criteria,
    drift,
    items,
    texts,
  };
}
