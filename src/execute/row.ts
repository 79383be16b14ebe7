/**
 * Judging one row as every caller does it — `rulers judge`, the library's `judge()` and
 * `rulers serve` alike: the item judged through the cache, and a judge that stayed down for
 * this item only (out of retries) recorded as that item's failure. A fault no row can survive
 * (bad key, budget spent, a request the provider rejects) is thrown for the caller to stop on.
 */
import type { Bundle } from "../bundle/types.js";
import { JudgeCallError } from "../judge/client.js";
import type { RunRecord } from "../record/index.js";
import { criteriaFor, type ItemContext, judgeItem, RowError, type RunStats, rowInputs } from "./item.js";

export function newRunStats(): RunStats {
  return {
    calls: 0,
    cached: 0,
    retries: 0,
    repairs: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    evidence_verified: 0,
    evidence_rejected: 0,
    models: new Set(),
    fingerprints: new Set(),
  };
}

/** The record of an item that was not judged: why, and nothing made up. */
export function failedRecord(bundle: Bundle, itemId: string, line: number, error: string): RunRecord {
  const ir = bundle.body.rubric;
  return {
    item_id: itemId,
    line,
    bundle: { id: ir.id, version: ir.version, hash: bundle.hash },
    raw_score: null,
    flags: [],
    error,
  };
}

export interface RowOutcome {
  readonly record: RunRecord;
  /** Set when the judge could not be reached for this item (the record says only that). */
  readonly callError?: JudgeCallError;
}

export async function judgeRow(
  ctx: ItemContext,
  row: Record<string, unknown>,
  itemId: string,
  line: number,
): Promise<RowOutcome> {
  try {
    return { record: await judgeItem(ctx, row, itemId, line) };
  } catch (err) {
    if (err instanceof JudgeCallError && !err.fatal)
      return { record: failedRecord(ctx.bundle, itemId, line, err.message), callError: err };
    throw err;
  }
}

/** Why this row cannot be judged with this bundle (a missing input, an unknown item), or null. */
export function rowProblem(
  bundle: Bundle,
  row: Record<string, unknown>,
  itemId: string,
  maxInputChars: number,
): string | null {
  try {
    rowInputs(bundle.body.rubric, row, maxInputChars);
    criteriaFor(bundle, row, itemId);
    return null;
  } catch (err) {
    if (err instanceof RowError) return err.message;
    throw err;
  }
}
