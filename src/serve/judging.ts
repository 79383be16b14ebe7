/**
 * The server's one door into the judging path: the same `judgeItem` that `rulers judge` runs,
 * with its cache, retries, repairs, evidence verification and scoring. Nothing else in
 * src/serve imports execute/, so when the run-record schema and the provider layer land this is
 * the only file to repoint.
 */
import type { Bundle } from "../bundle/types.js";
import { criteriaFor, type JudgeSettings, judgeItem, RowError, rowInputs } from "../execute/index.js";
import type { RunStats } from "../execute/item.js";
import type { Cache } from "../judge/cache.js";
import { JudgeCallError, type JudgeClient } from "../judge/client.js";
import type { PriceList } from "../provider/prices.js";
import type { RunRecord } from "../record/index.js";

export type { RunRecord };

/** What went wrong with one item, for the reward policy and the failure metrics. */
export interface Failure {
  /** A short, stable label: `invalid_row`, `judge_refused`, `answer_invalid`, `judge_<kind>`. */
  readonly reason: string;
  readonly message: string;
  /** The judge could not be reached or kept failing: nothing was learned about the item. */
  readonly transport: boolean;
}

export interface ItemOutcome {
  readonly record: RunRecord;
  readonly failure?: Failure;
}

export interface ItemStats {
  readonly calls: number;
  readonly cached: number;
  readonly retries: number;
  readonly repairs: number;
  readonly evidence_verified: number;
  readonly evidence_rejected: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

export interface JudgePathOptions {
  readonly client: JudgeClient;
  readonly cache: Cache;
  readonly models: readonly string[];
  readonly format: "json_schema" | "json";
  readonly maxRepairs: number;
  readonly maxInputChars: number;
  /** Overrides every rubric's own `samples`. */
  readonly samples?: number;
  /** Prices for each record's `cost_usd`, as `rulers judge` records it. */
  readonly prices?: PriceList;
  /** Called once per judged item with what it cost. */
  readonly onStats?: (stats: ItemStats) => void;
}

export interface JudgePath {
  judge(bundle: Bundle, row: Record<string, unknown>, itemId: string, line: number): Promise<ItemOutcome>;
  /** Why this row cannot be judged with this bundle (a missing input, an unknown item), or null. */
  rowProblem(bundle: Bundle, row: Record<string, unknown>, itemId: string): string | null;
}

/** The settings `rulers judge` would use for this bundle with the same flags. */
export function settingsFor(bundle: Bundle, opts: JudgePathOptions): JudgeSettings {
  const j = bundle.body.rubric.judge;
  return {
    models: opts.models,
    temperature: j.temperature,
    samples: opts.samples ?? j.samples,
    seed: j.seed,
    max_tokens: j.max_tokens,
    format: opts.format,
    maxRepairs: opts.maxRepairs,
    maxInputChars: opts.maxInputChars,
    ...(j.reasoning_effort != null ? { reasoning_effort: j.reasoning_effort } : {}),
    ...(j.reasoning_budget != null ? { reasoning_budget: j.reasoning_budget } : {}),
    provider: opts.client.provider.name,
    capabilities: opts.client.capabilities,
    ...(opts.prices ? { prices: opts.prices } : {}),
  };
}

function classify(error: string): string {
  if (/^row \d+: /.test(error)) return "invalid_row";
  if (error.startsWith("the judge refused")) return "judge_refused";
  return "answer_invalid";
}

export function createJudgePath(opts: JudgePathOptions): JudgePath {
  const settings = new WeakMap<Bundle, JudgeSettings>();
  const settingsOf = (b: Bundle) => {
    let s = settings.get(b);
    if (!s) {
      s = settingsFor(b, opts);
      settings.set(b, s);
    }
    return s;
  };
  return {
    rowProblem(bundle, row, itemId) {
      try {
        rowInputs(bundle.body.rubric, row, opts.maxInputChars);
        criteriaFor(bundle, row, itemId);
        return null;
      } catch (err) {
        if (err instanceof RowError) return err.message;
        throw err;
      }
    },
    async judge(bundle, row, itemId, line) {
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
      try {
        const record = await judgeItem(
          { bundle, client: opts.client, cache: opts.cache, settings: settingsOf(bundle), stats },
          row,
          itemId,
          line,
        );
        const error = typeof record.error === "string" ? record.error : undefined;
        return error === undefined
          ? { record }
          : { record, failure: { reason: classify(error), message: error, transport: false } };
      } catch (err) {
        if (!(err instanceof JudgeCallError)) throw err;
        const ir = bundle.body.rubric;
        return {
          record: {
            item_id: itemId,
            line,
            bundle: { id: ir.id, version: ir.version, hash: bundle.hash },
            raw_score: null,
            flags: [],
            error: err.message,
          },
          failure: { reason: `judge_${err.kind}`, message: err.message, transport: true },
        };
      } finally {
        opts.onStats?.(stats);
      }
    },
  };
}
