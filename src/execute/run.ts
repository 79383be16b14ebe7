/**
 * A judging run: read the rows as a stream, judge them with bounded concurrency through the
 * cache, and hand each record on (`onRecord`) as soon as it and every record before it are done,
 * so the output is in input order, a crash leaves a valid prefix, and memory does not grow with
 * the number of rows (at most `window` finished records wait for a slow earlier one).
 * A bad row becomes a record with an error and never stops the good rows; a fault that no row
 * can survive (bad key, unreachable server) stops the run — every call already made is in the
 * cache, so rerunning (`--resume`) repeats none of them.
 */
import type { Bundle } from "../bundle/types.js";
import type { Cache } from "../judge/cache.js";
import type { JudgeClient } from "../judge/client.js";
import { JudgeCallError } from "../judge/client.js";
import { runPool } from "../judge/pool.js";
import type { ProgressMode } from "../judge/progress.js";
import { createProgress } from "../judge/progress.js";
import { roundUsd } from "../provider/index.js";
import { addRecord, emptyTotals, mergeTotals, type RecordTotals, type RunRecord } from "../record/index.js";
import { bucketOf } from "../util/buckets.js";
import { nowMs } from "../util/clock.js";
import { CompactKeys, ensureLength } from "../util/compact-keys.js";
import { type JsonlProblem, type JsonlRow, rowId } from "../util/jsonl.js";
import type { AnswerSource, JudgeSettings, RunStats } from "./item.js";
import { failedRecord as failedRecordOf, judgeRow, newRunStats } from "./row.js";

/** A line of the input: a parsed row (`value`) or a line that did not parse (`message`). */
export type InputLine = JsonlRow | (JsonlProblem & { readonly value?: undefined });

export interface RunOptions {
  readonly bundle: Bundle;
  /** The rows in file order; a stream (`streamJsonl`) keeps a large input out of memory. */
  readonly rows: Iterable<InputLine> | AsyncIterable<InputLine>;
  /** Lines that did not parse, when `rows` holds only the good ones (merged in by line). */
  readonly problems?: readonly JsonlProblem[];
  readonly client: JudgeClient;
  readonly cache: Cache;
  readonly settings: JudgeSettings;
  readonly concurrency: number;
  readonly limit?: number;
  readonly progress?: boolean | ProgressMode;
  /** Batch ingest: answers from the provider's files; missing ones are recorded, never requested. */
  readonly answers?: AnswerSource;
  /** What records name as the judge's host when the client's is not it (batch ingest). */
  readonly host?: string;
  /** Judge only this deterministic slice of the rows: shard i of n (1-based), by item id. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Items already in the output (a resumed run): skipped, but counted against `limit`. */
  readonly done?: { has(id: string): boolean };
  /** What the records already in the output hold (a resumed run): the summary covers them too. */
  readonly prior?: RecordTotals;
  /**
   * Receives each record in input order, one call at a time; without it the records are
   * collected into `RunResult.records` (fine for small runs and tests).
   */
  readonly onRecord?: (record: RunRecord) => void | Promise<void>;
  /** How many finished records may wait for an earlier one (default 64 × concurrency). */
  readonly window?: number;
  /** Rows expected, for the progress line (counted by the caller; null when unknown). */
  readonly total?: number | null;
}

/**
 * A run's summary. Items, scores, evidence, tokens, cost and models cover the whole output file:
 * on a resumed run, the records kept from the interrupted session too (`resumed` says how much of
 * it they are). Calls, cache hits, retries, repairs and time are this session's: records do not
 * carry them.
 */
export interface RunSummary {
  readonly items: number;
  readonly scored: number;
  readonly failed: number;
  /** Rows already in the output of a resumed run, not judged again. */
  readonly skipped: number;
  /** Rows without an `id`, identified by their line number instead. */
  readonly rows_without_id: number;
  readonly calls: number;
  readonly cached_calls: number;
  readonly retries: number;
  readonly repairs: number;
  readonly evidence_verified: number;
  readonly evidence_rejected: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly wall_ms: number;
  readonly models: string[];
  readonly mean_raw_score_sd?: number;
  /** Sum of the records' cost_usd (null when a model has no price); present when prices were given. */
  readonly cost_usd?: number | null;
  /** On a resumed run: the part of the totals above that the kept records hold. */
  readonly resumed?: ResumedPart;
}

export interface ResumedPart {
  readonly items: number;
  readonly scored: number;
  readonly failed: number;
  readonly evidence_verified: number;
  readonly evidence_rejected: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly cost_usd?: number | null;
}

export interface RunResult {
  /** Every record, in input order; empty when `onRecord` took them. */
  readonly records: RunRecord[];
  readonly summary: RunSummary;
}

/** Which of n shards an item belongs to: by a hash of its id, so row order never matters. */
export const shardOf = bucketOf;

interface Slot {
  readonly line: number;
  readonly id: string;
  readonly row?: Record<string, unknown>;
  record?: RunRecord;
}

/** Problems given apart from the rows, merged back in by line number. */
async function* withProblems(
  rows: Iterable<InputLine> | AsyncIterable<InputLine>,
  problems: readonly JsonlProblem[],
): AsyncGenerator<InputLine> {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  let p = 0;
  for await (const r of rows) {
    while (p < sorted.length && sorted[p]!.line < r.line) yield sorted[p++]!;
    yield r;
  }
  while (p < sorted.length) yield sorted[p++]!;
}

export async function runJudge(opts: RunOptions): Promise<RunResult> {
  const started = nowMs();
  const stats: RunStats = newRunStats();
  const failedRecord = (id: string, line: number, error: string): RunRecord =>
    failedRecordOf(opts.bundle, id, line, error);
  const window = Math.max(1, opts.window ?? 64 * opts.concurrency);
  const collected: RunRecord[] = [];
  const emit = opts.onRecord ?? ((r: RunRecord) => void collected.push(r));

  // The reorder window: the source waits while the oldest unfinished slot is `window` behind.
  let next = 0; // sequence number of the next record to hand on
  let wake: (() => void) | null = null;
  let stopped = false;
  const release = () => {
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  };
  const stop = () => {
    stopped = true;
    release();
  };
  const finished = new Map<number, RunRecord>();
  let idless = 0;
  let skipped = 0;

  const source = async function* (): AsyncGenerator<Slot> {
    // Every id so far and its line, off the JS heap (a 200,000-row run keeps 200,000 of them).
    const seen = new CompactKeys();
    let seenLines = new Float64Array(1024);
    let chosen = 0;
    let seq = 0;
    const lines = opts.problems?.length ? withProblems(opts.rows, opts.problems) : opts.rows;
    // Pulled by hand so that a --limit run stops before reading one row more than it needs.
    const it = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
    try {
      while (opts.limit === undefined || chosen < opts.limit) {
        const got = await it.next();
        if (got.done) return;
        const r = got.value;
        let slot: Slot;
        if (r.value === undefined) {
          slot = { line: r.line, id: String(r.line) };
          slot.record = failedRecord(slot.id, r.line, `row ${r.line}: ${(r as JsonlProblem).message}`);
        } else {
          const hasId = r.value !== null && typeof r.value === "object" && "id" in r.value;
          const id = rowId(r.value, r.line);
          if (opts.shard && shardOf(id, opts.shard.count) !== opts.shard.index - 1) continue;
          if (r.value === null || typeof r.value !== "object" || Array.isArray(r.value)) {
            slot = { line: r.line, id, record: failedRecord(id, r.line, `row ${r.line}: must be a JSON object`) };
          } else {
            // A new id gets the next index (the size before); a repeated one its first index.
            const before = seen.size;
            const index = seen.add(id);
            if (index < before) {
              // Its own id, so the run still holds one record per id and every reader accepts it.
              const own = `${id}#${r.line}`;
              slot = {
                line: r.line,
                id: own,
                record: failedRecord(
                  own,
                  r.line,
                  `row ${r.line}: item id \`${id}\` already used on row ${seenLines[index]}; ids must be unique`,
                ),
              };
            } else {
              seenLines = ensureLength(seenLines, index + 1);
              seenLines[index] = r.line;
              if (!hasId) idless++;
              slot = { line: r.line, id, row: r.value as Record<string, unknown> };
            }
          }
        }
        chosen++;
        if (opts.done?.has(slot.id)) {
          skipped++;
          continue;
        }
        while (seq - next >= window && !stopped) await new Promise<void>((resolve) => (wake = resolve));
        if (stopped) return;
        seq++;
        yield slot;
      }
    } finally {
      await it.return?.();
    }
  };

  const progress =
    opts.progress === false
      ? { tick: () => {}, done: () => {} }
      : createProgress(opts.total ?? null, { mode: progressMode(opts.progress), initial: 0 });
  const controller = new AbortController();
  let fatal: JudgeCallError | null = null;
  // The records' counts, evidence, cost and spread, summed as they pass (as a resumed run's kept records were).
  const totals = emptyTotals();

  const judgeSlot = async (slot: Slot): Promise<RunRecord | null> => {
    if (slot.record) return slot.record;
    try {
      const { record } = await judgeRow(
        {
          bundle: opts.bundle,
          client: opts.client,
          cache: opts.cache,
          settings: opts.settings,
          stats,
          ...(opts.answers ? { answers: opts.answers } : {}),
          ...(opts.host !== undefined ? { host: opts.host } : {}),
        },
        slot.row!,
        slot.id,
        slot.line,
      );
      // Out of retries for this item only (rate limit, server error, timeout): judgeRow records it.
      return record;
    } catch (err) {
      if (err instanceof JudgeCallError && err.fatal) {
        fatal ??= err;
        controller.abort();
        stop();
        return null;
      }
      throw err;
    }
  };

  // Items are prepared and scored by twice as many lanes as there are call slots, so a slot
  // that frees up finds the next request ready instead of waiting for scoring to finish.
  await runPool(
    source(),
    opts.concurrency * 2,
    (slot) => judgeSlot(slot),
    async (outcome, slot, index) => {
      if (!outcome.ok) {
        stop();
        throw outcome.error;
      }
      // A fatal fault ends the output at the last record before the first unfinished item.
      if (outcome.value === null || fatal) return;
      finished.set(index, outcome.value);
      if (slot.row) progress.tick(outcome.value.error !== undefined);
      while (finished.has(next) && !fatal) {
        const record = finished.get(next)!;
        finished.delete(next);
        addRecord(totals, record);
        try {
          await emit(record);
        } catch (err) {
          stop();
          throw err;
        }
        next++;
        release();
      }
    },
    { signal: controller.signal },
  );
  progress.done();
  if (fatal) throw fatal;
  // Tokens of this session from the calls (a failed item's calls count too), the kept part's from its records.
  const prior = opts.prior;
  const all = prior ? mergeTotals(prior, totals) : totals;
  const cost = (t: RecordTotals) => (t.costed ? { cost_usd: t.cost_unknown ? null : roundUsd(t.cost_usd) } : {});
  return {
    records: collected,
    summary: {
      items: all.items,
      scored: all.scored,
      failed: all.failed,
      skipped,
      rows_without_id: idless,
      calls: stats.calls,
      cached_calls: stats.cached,
      retries: stats.retries,
      repairs: stats.repairs,
      evidence_verified: all.evidence_verified,
      evidence_rejected: all.evidence_rejected,
      prompt_tokens: (prior?.prompt_tokens ?? 0) + stats.prompt_tokens,
      completion_tokens: (prior?.completion_tokens ?? 0) + stats.completion_tokens,
      wall_ms: Math.round(nowMs() - started),
      models: [...new Set([...(prior?.models ?? []), ...stats.models])],
      ...cost(all),
      ...(all.sd_count ? { mean_raw_score_sd: Math.round((all.sd_sum / all.sd_count) * 1e6) / 1e6 } : {}),
      ...(prior
        ? {
            resumed: {
              items: prior.items,
              scored: prior.scored,
              failed: prior.failed,
              evidence_verified: prior.evidence_verified,
              evidence_rejected: prior.evidence_rejected,
              prompt_tokens: prior.prompt_tokens,
              completion_tokens: prior.completion_tokens,
              ...cost(prior),
            },
          }
        : {}),
    },
  };
}

function progressMode(p: boolean | ProgressMode | undefined): ProgressMode {
  return p === true ? "always" : p === undefined || p === false ? "auto" : p;
}
