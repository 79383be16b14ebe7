/**
 * The flags every command that talks to (or prices) a judge shares. What they mean, and every
 * check on them, lives in the library (api/judge-setup.ts); here they are only named and printed.
 */

import {
  budgetFor,
  judgeSettings,
  type ProviderSetup,
  providerSetup as setupFor,
  warnUnpriced as warnUnpricedTo,
} from "../api/judge-setup.js";
import type { Bundle } from "../bundle/types.js";
import type { Budget } from "../judge/budget.js";
import type { PriceList } from "../provider/index.js";
import { RulersError } from "../util/errors.js";
import { CliError, numberFlag, writeErr } from "./io.js";
import { ROW_HELP, ROW_OPTIONS } from "./row-options.js";

export const PROVIDER_OPTIONS = {
  provider: { type: "string" },
  format: { type: "string" },
  guided: { type: "string" },
  capabilities: { type: "string" },
  "reasoning-effort": { type: "string" },
  "reasoning-budget": { type: "string" },
  prices: { type: "string" },
} as const;

export const PROVIDER_HELP = `  --provider P         openai | anthropic | gemini | openai-compatible (default: from --base-url's host, else the model name)
  --format F           json_schema (native strict schema, default) | tools (a forced function call) | json (JSON mode + validation)
  --guided G           also send an OpenAI-compatible server's guided-decoding field: vllm | vllm-legacy | ollama | llama.cpp
  --capabilities FILE  model capabilities (JSON) in front of the shipped table
  --reasoning-effort E override the rubric's reasoning effort (none … max), or \`off\` to send none
  --reasoning-budget N override the rubric's reasoning token budget, or \`off\`
  --prices FILE        prices per million tokens, in front of the shipped list`;

/**
 * The flags `rulers judge` and `rulers estimate` share, parsed and described once: an estimate
 * must take exactly the settings the run it prices will take.
 */
export const RUN_OPTIONS = {
  bundle: { type: "string" },
  input: { type: "string" },
  lock: { type: "string" },
  model: { type: "string", multiple: true },
  "base-url": { type: "string" },
  samples: { type: "string" },
  limit: { type: "string" },
  "max-input-chars": { type: "string" },
  json: { type: "boolean" },
  ...ROW_OPTIONS,
  ...PROVIDER_OPTIONS,
} as const;

/** Help lines of RUN_OPTIONS, placed by each command where its usage reads best. */
export const RUN_HELP = {
  model: "  --model NAME         judge model (repeat for a panel: per-criterion strict majority)",
  baseUrl:
    "  --base-url URL       the provider's endpoint, or any OpenAI-compatible server (default: $OPENAI_BASE_URL, else the provider's)",
  lock: "  --lock FILE          refuse a bundle whose hash the lock does not pin",
  samples: "  --samples K          judge each item K times (default: the rubric's samples)",
  limit: "  --limit N            judge only the first N rows",
  maxInputChars: "  --max-input-chars N  refuse inputs longer than this (default 200000)",
  provider: PROVIDER_HELP,
  rows: ROW_HELP,
} as const;

export type { ProviderSetup };
export { judgeSettings };

export function providerSetup(
  values: Record<string, unknown>,
  bundle: Bundle,
  models: readonly string[],
  warn: (message: string) => void = writeErr,
): ProviderSetup {
  return setupFor(values, bundle, models, warn);
}

/** `--max-cost USD`, checked before any call; undefined when the flag is not given. */
export function budgetFlag(flag: string | undefined, prices: PriceList, models: readonly string[]): Budget | undefined {
  if (flag === undefined) return undefined;
  try {
    return budgetFor(numberFlag(flag, "max-cost", 0, { min: 0 }), prices, models, "--max-cost");
  } catch (err) {
    if (err instanceof RulersError && err.code === "budget") throw new CliError(err.message);
    throw err;
  }
}

export function warnUnpriced(prices: PriceList, models: readonly string[], pricesPath: string | undefined): string[] {
  return warnUnpricedTo(prices, models, pricesPath, writeErr);
}
