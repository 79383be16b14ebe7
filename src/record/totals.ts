/**
 * What a run's summary says about its records, summed from the records themselves, so the part
 * of a run kept from an interrupted session and the part judged now are counted the same way
 * and a resumed run's summary covers the whole file.
 */
import { isScored, type RunRecord } from "./schema.js";

export interface RecordTotals {
  items: number;
  scored: number;
  failed: number;
  /** Quotes in the records' criteria (both orders of a pairwise record) that verified, and that did not. */
  evidence_verified: number;
  evidence_rejected: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** Models the records name as having answered. */
  readonly models: Set<string>;
  /** Sum of the records' cost_usd; `cost_unknown` once a record's cost is null (a model without a price). */
  cost_usd: number;
  cost_unknown: boolean;
  /** Whether any record carried a cost_usd at all (prices were given). */
  costed: boolean;
  sd_sum: number;
  sd_count: number;
}

export function emptyTotals(): RecordTotals {
  return {
    items: 0,
    scored: 0,
    failed: 0,
    evidence_verified: 0,
    evidence_rejected: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    models: new Set(),
    cost_usd: 0,
    cost_unknown: false,
    costed: false,
    sd_sum: 0,
    sd_count: 0,
  };
}

export function addRecord(t: RecordTotals, r: RunRecord): void {
  t.items++;
  if (isScored(r)) t.scored++;
  else t.failed++;
  // A pairwise record's `criteria` repeats its first order's: count the orders instead.
  const lists = r.preference ? r.preference.orders.map((o) => o.criteria) : [r.criteria ?? []];
  for (const criteria of lists)
    for (const c of criteria)
      for (const e of c.evidence) {
        if (e.verified) t.evidence_verified++;
        else t.evidence_rejected++;
      }
  if (r.usage) {
    t.prompt_tokens += r.usage.prompt_tokens;
    t.completion_tokens += r.usage.completion_tokens;
  }
  const model = r.judge?.model;
  if (typeof model === "string") t.models.add(model);
  else if (model) for (const m of model) t.models.add(m);
  if (r.cost_usd !== undefined) {
    t.costed = true;
    if (r.cost_usd === null) t.cost_unknown = true;
    else t.cost_usd += r.cost_usd;
  }
  const sd = r.spread?.raw_score_sd;
  if (typeof sd === "number") {
    t.sd_sum += sd;
    t.sd_count++;
  }
}

/** Two parts of one run as one (the kept part of a resumed run and the part judged now). */
export function mergeTotals(a: RecordTotals, b: RecordTotals): RecordTotals {
  return {
    items: a.items + b.items,
    scored: a.scored + b.scored,
    failed: a.failed + b.failed,
    evidence_verified: a.evidence_verified + b.evidence_verified,
    evidence_rejected: a.evidence_rejected + b.evidence_rejected,
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    models: new Set([...a.models, ...b.models]),
    cost_usd: a.cost_usd + b.cost_usd,
    cost_unknown: a.cost_unknown || b.cost_unknown,
    costed: a.costed || b.costed,
    sd_sum: a.sd_sum + b.sd_sum,
    sd_count: a.sd_count + b.sd_count,
  };
}
