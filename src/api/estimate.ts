/**
 * Pricing a run before it is made: every prompt `rulers judge` would send (first attempts: no
 * repairs or evidence retries), its tokens counted — exactly, with the model's own encoding, for
 * OpenAI models; about four characters a token for others — plus an estimate of the answers.
 */
import type { Bundle } from "../bundle/types.js";
import { planCalls, RowError } from "../execute/index.js";
import type { JudgeSettings } from "../execute/item.js";
import {
  type ChatMessage,
  chatTokens,
  type PriceList,
  type ProviderName,
  roundUsd,
  type TokenCounter,
  tokenCounter,
} from "../provider/index.js";
import type { JsonlProblem, JsonlRow } from "../util/jsonl.js";
import { rowId } from "../util/jsonl.js";

/** Tokens of a judged criterion's answer: verdict, a sentence of rationale, a quote or two. */
export const ANSWER_TOKENS_PER_CRITERION = 60;
const ANSWER_OVERHEAD = 20;

export interface ModelEstimate {
  model: string;
  calls: number;
  input_tokens: number;
  input_counted_with: string;
  input_exact: boolean;
  output_tokens_estimate: number;
  cost_usd: number | null;
  /** At the OpenAI Batch API's and Anthropic Message Batches' half price. */
  batch_cost_usd: number | null;
}

/** What `rulers estimate --json` prints. */
export interface CostEstimate {
  readonly estimate: true;
  readonly items: number;
  readonly skipped_rows: number;
  readonly calls: number;
  readonly models: ModelEstimate[];
  /** Null when a model has no price. */
  readonly cost_usd: number | null;
  readonly prices_date: string;
  readonly note: string;
}

export interface EstimateOptions {
  readonly settings: JudgeSettings;
  readonly provider: ProviderName;
  readonly prices: PriceList;
  readonly limit?: number;
  /** A row that cannot be judged (not JSON, missing an input): it is not counted. */
  readonly onSkip?: (line: number, message: string) => void;
}

function answerTokens(settings: JudgeSettings, criteria: number): number {
  const guess = ANSWER_OVERHEAD + ANSWER_TOKENS_PER_CRITERION * Math.max(1, criteria);
  const answer = settings.max_tokens !== null ? Math.min(settings.max_tokens, guess) : guess;
  // A thinking budget may be spent in full; it is billed as output.
  return answer + (settings.reasoning_budget ?? 0);
}

/** Count and price the calls judging `rows` with `bundle` would make; no call is made. */
export async function estimateCost(
  bundle: Bundle,
  rows: AsyncIterable<JsonlRow | (JsonlProblem & { value?: undefined })>,
  opts: EstimateOptions,
): Promise<CostEstimate> {
  const { settings, prices } = opts;
  const ir = bundle.body.rubric;
  const limit = opts.limit ?? Infinity;
  const counters = new Map<string, TokenCounter>();
  for (const m of settings.models) counters.set(m, await tokenCounter(m, opts.provider));
  const per = new Map<string, ModelEstimate>(
    settings.models.map((m) => [
      m,
      {
        model: m,
        calls: 0,
        input_tokens: 0,
        input_counted_with: counters.get(m)!.method,
        input_exact: counters.get(m)!.exact,
        output_tokens_estimate: 0,
        cost_usd: null,
        batch_cost_usd: null,
      },
    ]),
  );
  // The schema travels with every request (the provider turns it into instructions); counted once per call.
  const schemaText = JSON.stringify(bundle.body.answer_schema);
  let items = 0;
  let skipped = 0;
  for await (const r of rows) {
    if (items >= limit) break;
    if (r.value === undefined) {
      opts.onSkip?.(r.line, (r as JsonlProblem).message);
      skipped++;
      continue;
    }
    const row = r.value as Record<string, unknown>;
    const id = rowId(row, r.line);
    let calls: ReturnType<typeof planCalls>;
    try {
      calls = planCalls(bundle, settings, row, id);
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      opts.onSkip?.(r.line, err.message);
      skipped++;
      continue;
    }
    items++;
    const criteria = Array.isArray(row[ir.template?.field ?? ""])
      ? ir.criteria.length + (row[ir.template!.field] as unknown[]).length
      : ir.criteria.length;
    for (const call of calls) {
      const model = call.body.model as string;
      const e = per.get(model)!;
      const counter = counters.get(model)!;
      e.calls++;
      e.input_tokens += chatTokens(counter, call.body.messages as ChatMessage[]) + counter.count(schemaText);
      e.output_tokens_estimate += answerTokens(settings, criteria);
    }
  }
  let total: number | null = 0;
  for (const e of per.values()) {
    const p = prices.lookup(e.model);
    if (p) {
      e.cost_usd = roundUsd((e.input_tokens * p.input + e.output_tokens_estimate * p.output) / 1e6);
      e.batch_cost_usd = roundUsd(e.cost_usd / 2);
    }
    total = total === null || e.cost_usd === null ? null : roundUsd(total + e.cost_usd);
  }
  return {
    estimate: true,
    items,
    skipped_rows: skipped,
    calls: [...per.values()].reduce((a, e) => a + e.calls, 0),
    models: [...per.values()],
    cost_usd: total,
    prices_date: prices.date,
    note: "first attempts only: repairs and evidence retries add to it; answer tokens are estimated",
  };
}
