import type { ModelPrice } from "./prices.js";

/**
 * Shipped list prices in USD per million tokens, standard (non-batch) tier, as the providers'
 * pricing pages gave them on PRICES_DATE. Prices change: `--prices file.json` overrides and
 * extends this list, and every record says which date its cost came from.
 */
export const PRICES_DATE = "2025-10-01";

export const DEFAULT_PRICES: readonly ModelPrice[] = [
  { model: "gpt-5", input: 1.25, cached_input: 0.125, output: 10 },
  { model: "gpt-5-mini", input: 0.25, cached_input: 0.025, output: 2 },
  { model: "gpt-5-nano", input: 0.05, cached_input: 0.005, output: 0.4 },
  { model: "gpt-4.1", input: 2, cached_input: 0.5, output: 8 },
  { model: "gpt-4.1-mini", input: 0.4, cached_input: 0.1, output: 1.6 },
  { model: "gpt-4.1-nano", input: 0.1, cached_input: 0.025, output: 0.4 },
  { model: "gpt-4o", input: 2.5, cached_input: 1.25, output: 10 },
  { model: "gpt-4o-mini", input: 0.15, cached_input: 0.075, output: 0.6 },
  { model: "o3", input: 2, cached_input: 0.5, output: 8 },
  { model: "o4-mini", input: 1.1, cached_input: 0.275, output: 4.4 },
  { model: "o3-mini", input: 1.1, cached_input: 0.55, output: 4.4 },
  { model: "claude-opus-4-1", input: 15, cached_input: 1.5, output: 75 },
  { model: "claude-sonnet-4-5", input: 3, cached_input: 0.3, output: 15 },
  { model: "claude-sonnet-4", input: 3, cached_input: 0.3, output: 15 },
  { model: "claude-haiku-4-5", input: 1, cached_input: 0.1, output: 5 },
  { model: "claude-3-5-haiku", input: 0.8, cached_input: 0.08, output: 4 },
  { model: "gemini-2.5-pro", input: 1.25, cached_input: 0.31, output: 10 },
  { model: "gemini-2.5-flash", input: 0.3, cached_input: 0.075, output: 2.5 },
  { model: "gemini-2.5-flash-lite", input: 0.1, cached_input: 0.025, output: 0.4 },
  { model: "gemini-2.0-flash", input: 0.1, cached_input: 0.025, output: 0.4 },
];
