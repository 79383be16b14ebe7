import { planCalls, RowError } from "../../execute/index.js";
import type { JudgeSettings } from "../../execute/item.js";
import { type ChatMessage, chatTokens, roundUsd, type TokenCounter, tokenCounter } from "../../provider/index.js";
import { rowId } from "../../util/jsonl.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import { PROVIDER_HELP, PROVIDER_OPTIONS, providerSetup, warnUnpriced } from "../judge-options.js";
import type { Command } from "../main.js";
import { openInput, ROW_HELP, ROW_OPTIONS } from "../row-options.js";
import { loadBundle } from "./batch.js";

const HELP = `usage: rulers estimate --bundle <bundle.json | id@version> --input rows.jsonl|.csv|.tsv|.parquet --model M [options]

Renders every prompt \`rulers judge\` would send (first attempts: no repairs or evidence retries),
counts its tokens — exactly, with the model's own encoding, for OpenAI models; as an estimate of
four characters a token for others — estimates the answers' tokens, and prices the run.

${ROW_HELP}
  --model NAME         judge model (repeat for a panel)
  --samples K          judge each item K times (default: the rubric's samples)
  --limit N            only the first N rows
  --lock FILE          refuse a bundle whose hash the lock does not pin
  --max-input-chars N  refuse inputs longer than this, as \`rulers judge\` does
${PROVIDER_HELP}
  --json               print the estimate as JSON`;

/** Tokens of a judged criterion's answer: verdict, a sentence of rationale, a quote or two. */
export const ANSWER_TOKENS_PER_CRITERION = 60;
const ANSWER_OVERHEAD = 20;

interface ModelEstimate {
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

function answerTokens(settings: JudgeSettings, criteria: number): number {
  const guess = ANSWER_OVERHEAD + ANSWER_TOKENS_PER_CRITERION * Math.max(1, criteria);
  const answer = settings.max_tokens !== null ? Math.min(settings.max_tokens, guess) : guess;
  // A thinking budget may be spent in full; it is billed as output.
  return answer + (settings.reasoning_budget ?? 0);
}

export const command: Command = {
  summary: "count a run's tokens and price it before making any call",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        bundle: { type: "string" },
        input: { type: "string" },
        ...ROW_OPTIONS,
        lock: { type: "string" },
        model: { type: "string", multiple: true },
        samples: { type: "string" },
        limit: { type: "string" },
        "base-url": { type: "string" },
        "max-input-chars": { type: "string" },
        json: { type: "boolean" },
        ...PROVIDER_OPTIONS,
      },
      HELP,
    );
    for (const f of ["bundle", "input"] as const) if (!values[f]) throw new CliError(`\`--${f}\` is required\n${HELP}`);
    const models = values.model ?? (process.env.RULERS_MODEL ? [process.env.RULERS_MODEL] : []);
    if (models.length === 0)
      throw new CliError("give the judge model with --model (it decides the tokenizer and the price)");
    const bundle = loadBundle(values.bundle!, values.lock);
    const ir = bundle.body.rubric;
    const setup = providerSetup(values, bundle, models);
    warnUnpriced(setup.prices, models, values.prices);
    const settings: JudgeSettings = {
      models,
      temperature: ir.judge.temperature,
      samples: numberFlag(values.samples, "samples", ir.judge.samples, { integer: true, min: 1 }),
      seed: ir.judge.seed,
      max_tokens: ir.judge.max_tokens,
      format: setup.format,
      provider: setup.provider,
      reasoning_effort: setup.reasoning_effort,
      reasoning_budget: setup.reasoning_budget,
      maxRepairs: 0,
      maxInputChars: numberFlag(values["max-input-chars"], "max-input-chars", 200_000, { integer: true, min: 1 }),
    };
    const limit =
      values.limit !== undefined ? numberFlag(values.limit, "limit", 0, { integer: true, min: 0 }) : Infinity;
    const rows = await openInput(values.input!, values, bundle);
    const counters = new Map<string, TokenCounter>();
    for (const m of models) counters.set(m, await tokenCounter(m, setup.provider));
    const per = new Map<string, ModelEstimate>(
      models.map((m) => [
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
        writeErr(`${rows.place(r.line)}: ${r.message}; not counted`);
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
        writeErr(`${rows.place(r.line)}: ${err.message}; not counted`);
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
      const p = setup.prices.lookup(e.model);
      if (p) {
        e.cost_usd = roundUsd((e.input_tokens * p.input + e.output_tokens_estimate * p.output) / 1e6);
        e.batch_cost_usd = roundUsd(e.cost_usd / 2);
      }
      total = total === null || e.cost_usd === null ? null : roundUsd(total + e.cost_usd);
    }
    const result = {
      estimate: true,
      items,
      skipped_rows: skipped,
      calls: [...per.values()].reduce((a, e) => a + e.calls, 0),
      models: [...per.values()],
      cost_usd: total,
      prices_date: setup.prices.date,
      note: "first attempts only: repairs and evidence retries add to it; answer tokens are estimated",
    };
    if (values.json) writeOut(JSON.stringify(result));
    else {
      writeOut(
        `estimate for ${items} items, ${result.calls} calls (${settings.samples} sample${settings.samples === 1 ? "" : "s"})`,
      );
      for (const e of per.values()) {
        writeOut(`  ${e.model}: ${e.calls} calls`);
        writeOut(
          `    input tokens   ${e.input_tokens.toLocaleString("en-US")}  ${e.input_exact ? `counted with ${e.input_counted_with}` : e.input_counted_with}`,
        );
        writeOut(
          `    output tokens  ${e.output_tokens_estimate.toLocaleString("en-US")}  estimated (~${ANSWER_TOKENS_PER_CRITERION} a criterion${settings.reasoning_budget ? ", plus the whole reasoning budget" : ""})`,
        );
        writeOut(
          `    cost           ${e.cost_usd === null ? "unknown (no price; add it with --prices)" : `$${e.cost_usd.toFixed(4)}  ($${e.batch_cost_usd!.toFixed(4)} as a batch)`}`,
        );
      }
      writeOut(
        `total: ${total === null ? "unknown" : `$${total.toFixed(4)}`} at prices of ${setup.prices.date}; an estimate — ${result.note}`,
      );
    }
    return skipped ? 1 : 0;
  },
};
