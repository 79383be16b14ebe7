import { anthropicProvider } from "./anthropic.js";
import { geminiProvider } from "./gemini.js";
import { openaiProvider } from "./openai.js";
import type { Provider, ProviderOptions } from "./provider.js";
import type { ProviderName } from "./types.js";

export { anthropicAnswer, anthropicBody } from "./anthropic.js";
export {
  CapabilitiesError,
  type CapabilityTable,
  capabilityTable,
  checkImages,
  checkSettings,
  type ModelCapabilities,
  readCapabilities,
} from "./capabilities.js";
export { JudgeCallError, type JudgeErrorKind } from "./errors.js";
export { geminiAnswer, geminiParams } from "./gemini.js";
export { guidedFields, openaiAnswer, openaiBody } from "./openai.js";
export { inferProvider, KEY_ENV, type Provider, type ProviderOptions } from "./provider.js";
export { SchemaDialectError, type SchemaNote, translateSchema } from "./schema.js";
export * from "./types.js";

export function createProvider(name: ProviderName, opts: ProviderOptions): Provider {
  switch (name) {
    case "anthropic":
      return anthropicProvider(opts);
    case "gemini":
      return geminiProvider(opts);
    default:
      return openaiProvider(opts, name);
  }
}
export { type ModelPrice, type PriceList, PricesError, priceList, readPrices, roundUsd } from "./prices.js";
export { PRICES_DATE } from "./prices-data.js";
export { chatTokens, type TokenCounter, tokenCounter } from "./tokens.js";
