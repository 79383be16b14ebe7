/**
 * What the app keeps of every item up front: id, judge score, preference, and how unsure the
 * judge was (the "disagreements first" order). The parsed record is dropped straight after.
 * (Reading these fields with regular expressions instead of JSON.parse was tried: slower.)
 */
export interface RecordSummary {
  readonly id: string;
  readonly score: number | null;
  readonly preferred: string | null;
  readonly doubt: number;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The summary from a parsed record. */
export function summarise(r: Record<string, unknown>): RecordSummary {
  let d = 0;
  const pos = r.position as { inconsistent?: unknown } | undefined;
  if (typeof pos?.inconsistent === "number" && pos.inconsistent > 0) d += 1;
  if (Array.isArray(r.votes) && new Set(r.votes).size > 1) d += 1;
  const sd = num(r.raw_score_sd);
  if (sd !== null) d += sd;
  let all = 0;
  let bad = 0;
  for (const c of Array.isArray(r.criteria) ? (r.criteria as { evidence?: { verified?: unknown }[] }[]) : [])
    for (const e of Array.isArray(c?.evidence) ? c.evidence : []) {
      all++;
      if (e?.verified !== true) bad++;
    }
  if (all) d += bad / all;
  if (Array.isArray(r.flags) && r.flags.length) d += 0.5;
  return {
    id: String(r.item_id),
    score: num(r.raw_score),
    preferred: typeof r.preferred === "string" ? r.preferred : null,
    doubt: d,
  };
}
