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
