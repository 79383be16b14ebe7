import { ANSWER_TOKENS_PER_CRITERION, estimateCost } from "../../api/estimate.js";
import type { JudgeSettings } from "../../execute/item.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import { providerSetup, RUN_HELP, RUN_OPTIONS, warnUnpriced } from "../judge-options.js";
import type { Command } from "../main.js";
import { openInput } from "../row-options.js";
import { loadBundle } from "./batch.js";

const HELP = `usage: rulers estimate --bundle <bundle.json | id@version> --input rows.jsonl|.csv|.tsv|.parquet --model M [options]

Renders every prompt \`rulers judge\` would send (first attempts: no repairs or evidence retries),
counts its tokens — exactly, with the model's own encoding, for OpenAI models; as an estimate of
four characters a token for others — estimates the answers' tokens, and prices the run.

${RUN_HELP.rows}
${RUN_HELP.model}
${RUN_HELP.baseUrl}
${RUN_HELP.samples}
${RUN_HELP.limit}
${RUN_HELP.lock}
${RUN_HELP.maxInputChars}
${RUN_HELP.provider}
  --json               print the estimate as JSON`;

export const command: Command = {
  summary: "count a run's tokens and price it before making any call",
  async run(argv) {
    const { values } = parseFlags(argv, RUN_OPTIONS, HELP);
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
    const result = await estimateCost(bundle, rows, {
      settings,
      provider: setup.provider,
      prices: setup.prices,
      limit,
      onSkip: (line, message) => writeErr(`${rows.place(line)}: ${message}; not counted`),
    });
    const total = result.cost_usd;
    if (values.json) writeOut(JSON.stringify(result));
    else {
      writeOut(
        `estimate for ${result.items} items, ${result.calls} calls (${settings.samples} sample${settings.samples === 1 ? "" : "s"})`,
      );
      for (const e of result.models) {
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
    return result.skipped_rows ? 1 : 0;
  },
};
