import type { ModelPrice } from "./prices.js";

/**
 * Shipped list prices in USD per million tokens, standard (non-batch) tier, short-prompt rates.
 * Prices change: `--prices file.json` overrides and extends this list, and every record says
 * which date its cost came from.
 *
 * PRICES_DATE is the day the list was last held against the providers' own pages (read through
 * stored copies of those pages). Each entry below names its source; an entry marked
 * "unconfirmed" is a figure the providers' pages could not be found to state that day: it is
 * kept (it was shipped before) but is not verified — pass `--prices` when the cost matters.
 * No figure here was found to be contradicted by a provider's page.
 *
 * Sources, read 2026-12-01:
 * - [openai-models] https://developers.openai.com/api/docs/models/<model> ("Text tokens, per 1M
 *   tokens": input, cached input, output); the model pages seen list GPT-5.4+ as current and
 *   GPT-5 nano / GPT-5 mini / GPT-4.1 nano as deprecated but priced.
 * - [anthropic-pricing] https://docs.anthropic.com/en/docs/about-claude/pricing (base input,
 *   cache hits & refreshes, output; a version of the page from before Sonnet 4.5)
 * - [claude-models] https://platform.claude.com/docs/en/models/<model>/overview (input and output
 *   only; Sonnet 4.5 is marked deprecated there, retiring 2026-11-30)
 * - Google's Gemini API pricing page (https://ai.google.dev/gemini-api/docs/pricing) could not
 *   be read: every Gemini figure is unconfirmed. (A post on Google's developer forum quotes that
 *   page with a 2.5 Pro cache price of $0.125 where this list has $0.31; it is not the page.)
 */
export const PRICES_DATE = "2026-12-01";

export const DEFAULT_PRICES: readonly ModelPrice[] = [
  { model: "gpt-5", input: 1.25, cached_input: 0.125, output: 10 }, // unconfirmed
  { model: "gpt-5-mini", input: 0.25, cached_input: 0.025, output: 2 }, // [openai-models] gpt-5-mini
  { model: "gpt-5-nano", input: 0.05, cached_input: 0.005, output: 0.4 }, // [openai-models] gpt-5-nano
  { model: "gpt-4.1", input: 2, cached_input: 0.5, output: 8 }, // unconfirmed
  { model: "gpt-4.1-mini", input: 0.4, cached_input: 0.1, output: 1.6 }, // unconfirmed
  { model: "gpt-4.1-nano", input: 0.1, cached_input: 0.025, output: 0.4 }, // [openai-models] gpt-4.1-nano
  { model: "gpt-4o", input: 2.5, cached_input: 1.25, output: 10 }, // unconfirmed
  { model: "gpt-4o-mini", input: 0.15, cached_input: 0.075, output: 0.6 }, // unconfirmed
  { model: "o3", input: 2, cached_input: 0.5, output: 8 }, // unconfirmed
  { model: "o4-mini", input: 1.1, cached_input: 0.275, output: 4.4 }, // unconfirmed
  { model: "o3-mini", input: 1.1, cached_input: 0.55, output: 4.4 }, // unconfirmed
  { model: "claude-opus-4-1", input: 15, cached_input: 1.5, output: 75 }, // [anthropic-pricing] Opus 4.1
  { model: "claude-sonnet-4-5", input: 3, cached_input: 0.3, output: 15 }, // [claude-models] sonnet-4-5: input, output; cache hits unconfirmed
  { model: "claude-sonnet-4", input: 3, cached_input: 0.3, output: 15 }, // [anthropic-pricing] Sonnet 4
  { model: "claude-haiku-4-5", input: 1, cached_input: 0.1, output: 5 }, // [claude-models] haiku-4-5: input, output; cache hits unconfirmed
  { model: "claude-3-5-haiku", input: 0.8, cached_input: 0.08, output: 4 }, // [anthropic-pricing] Haiku 3.5
  { model: "gemini-2.5-pro", input: 1.25, cached_input: 0.31, output: 10 }, // unconfirmed (cache price possibly stale, see above)
  { model: "gemini-2.5-flash", input: 0.3, cached_input: 0.075, output: 2.5 }, // unconfirmed
  { model: "gemini-2.5-flash-lite", input: 0.1, cached_input: 0.025, output: 0.4 }, // unconfirmed
  { model: "gemini-2.0-flash", input: 0.1, cached_input: 0.025, output: 0.4 }, // unconfirmed
];
