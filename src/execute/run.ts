/**
 * A judging run: verify the bundle (and the lock) before any call, read the rows, judge them
 * with bounded concurrency through the cache, and write one record per row in input order.
 * A bad row becomes a record with an error and never stops the good rows; a fault that no row
 * can survive (bad key, unreachable server) stops the run — every call already made is in the
 * cache, so rerunning (`--resume`) repeats none of them.
 */
import type { Bundle } from "../bundle/types.js";
import type { Cache } from "../judge/cache.js";
import type { JudgeClient } from "../judge/client.js";
import { JudgeCallError } from "../judge/client.js";
import { runPool } from "../judge/pool.js";
import { createProgress } from "../judge/progress.js";
import { roundUsd } from "../provider/index.js";
import { bucketOf } from "../util/buckets.js";
import { type JsonlProblem, type JsonlRow, rowId } from "../util/jsonl.js";
import { type AnswerSource, type JudgeSettings, judgeItem, type RunRecord, type RunStats } from "./item.js";

export interface RunOptions {
  readonly bundle: Bundle;
  readonly rows: readonly JsonlRow[];
  readonly problems: readonly JsonlProblem[];
  readonly client: JudgeClient;
  readonly cache: Cache;
  readonly settings: JudgeSettings;
  readonly concurrency: number;
  readonly limit?: number;
  readonly progress?: boolean;
  /** Batch ingest: answers from the provider's files; missing ones are recorded, never requested. */
  readonly answers?: AnswerSource;
  /** Judge only this deterministic slice of the rows: shard i of n (1-based), by item id. */
  readonly shard?: { readonly index: number; readonly count: number };
}

export interface RunSummary {
  readonly items: number;
  readonly scored: number;
  readonly failed: number;
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
}

export interface RunResult {
  readonly records: RunRecord[];
  readonly summary: RunSummary;
}

/** Which of n shards an item belongs to: by a hash of its id, so row order never matters. */
export const shardOf = bucketOf;

export async function runJudge(opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const stats: RunStats = {
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
  const ir = opts.bundle.body.rubric;
  type Slot = { line: number; record?: RunRecord; row?: Record<string, unknown>; id: string };
  const slots: Slot[] = [];
  for (const p of opts.problems) {
    slots.push({
      line: p.line,
      id: String(p.line),
      record: {
        item_id: String(p.line),
        line: p.line,
        bundle: { id: ir.id, version: ir.version, hash: opts.bundle.hash },
        raw_score: null,
        flags: [],
        error: `row ${p.line}: ${p.message}`,
      },
    });
  }
  const seen = new Map<string, number>();
  for (const r of opts.rows) {
    const id = rowId(r.value, r.line);
    const base = {
      item_id: id,
      line: r.line,
      bundle: { id: ir.id, version: ir.version, hash: opts.bundle.hash },
      raw_score: null,
      flags: [],
    };
    if (r.value === null || typeof r.value !== "object" || Array.isArray(r.value)) {
      slots.push({ line: r.line, id, record: { ...base, error: `row ${r.line}: must be a JSON object` } });
    } else if (seen.has(id)) {
      slots.push({
        line: r.line,
        id,
        record: {
          ...base,
          error: `row ${r.line}: item id \`${id}\` already used on row ${seen.get(id)}; ids must be unique`,
        },
      });
    } else {
      seen.set(id, r.line);
      slots.push({ line: r.line, id, row: r.value as Record<string, unknown> });
    }
  }
  slots.sort((a, b) => a.line - b.line);
  const sharded = opts.shard ? slots.filter((s) => shardOf(s.id, opts.shard!.count) === opts.shard!.index - 1) : slots;
  const chosen = opts.limit !== undefined ? sharded.slice(0, opts.limit) : sharded;
  const pending = chosen.filter((s) => s.row !== undefined);
  const progress = opts.progress === false ? { tick: () => {}, done: () => {} } : createProgress(pending.length);
  const controller = new AbortController();
  let fatal: JudgeCallError | null = null;
  // Items are prepared and scored by twice as many lanes as there are call slots, so a slot
  // that frees up finds the next request ready instead of waiting for scoring to finish.
  await runPool(
    pending,
    opts.concurrency * 2,
    async (slot) => {
      try {
        slot.record = await judgeItem(
          {
            bundle: opts.bundle,
            client: opts.client,
            cache: opts.cache,
            settings: opts.settings,
            stats,
            ...(opts.answers ? { answers: opts.answers } : {}),
          },
          slot.row!,
          slot.id,
          slot.line,
        );
        progress.tick(slot.record.error !== undefined);
      } catch (err) {
        if (err instanceof JudgeCallError && err.fatal) {
          fatal ??= err;
          controller.abort();
          return;
        }
        if (err instanceof JudgeCallError) {
          // Out of retries for this item only (rate limit, server error, timeout): record it.
          slot.record = {
            item_id: slot.id,
            line: slot.line,
            bundle: { id: ir.id, version: ir.version, hash: opts.bundle.hash },
            raw_score: null,
            flags: [],
            error: err.message,
          };
          progress.tick(true);
          return;
        }
        throw err;
      }
    },
    controller.signal,
  );
  progress.done();
  if (fatal) throw fatal;
  const records = chosen.map((s) => s.record!).filter((r) => r !== undefined);
  const failed = records.filter((r) => r.error !== undefined).length;
  const costs = records.map((r) => r.cost_usd).filter((c) => c !== undefined);
  const cost_usd = costs.length
    ? costs.includes(null)
      ? null
      : roundUsd(costs.reduce((a: number, c) => a + (c as number), 0))
    : undefined;
  const sds = records
    .map((r) => (r.spread as { raw_score_sd?: number | null } | undefined)?.raw_score_sd)
    .filter((x): x is number => typeof x === "number");
  return {
    records,
    summary: {
      items: records.length,
      scored: records.length - failed,
      failed,
      calls: stats.calls,
      cached_calls: stats.cached,
      retries: stats.retries,
      repairs: stats.repairs,
      evidence_verified: stats.evidence_verified,
      evidence_rejected: stats.evidence_rejected,
      prompt_tokens: stats.prompt_tokens,
      completion_tokens: stats.completion_tokens,
      wall_ms: Math.round(performance.now() - started),
      models: [...stats.models],
      ...(cost_usd !== undefined ? { cost_usd } : {}),
      ...(sds.length
        ? { mean_raw_score_sd: Math.round((sds.reduce((a, b) => a + b, 0) / sds.length) * 1e6) / 1e6 }
        : {}),
    },
  };
}
