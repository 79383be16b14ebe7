/**
 * Counting a prompt's tokens before it is sent. OpenAI models are counted exactly with their
 * own encoding (gpt-tokenizer: o200k_base for GPT-4o, GPT-4.1, GPT-5 and the o-series,
 * cl100k_base for GPT-4 and GPT-3.5); other providers publish no offline tokenizer, so their
 * counts are estimates (about four characters a token) and are labelled so.
 */
import { type ChatMessage, messageText } from "./types.js";

/**
 * Images are priced by their size in pixels, which rulers does not decode; this is OpenAI's
 * charge for one high-detail 1024×1024 image (4 tiles × 170 + 85), a fair middle guess.
 */
export const IMAGE_TOKENS = 765;

function imageTokens(content: ChatMessage["content"]): number {
  return typeof content === "string" ? 0 : content.filter((p) => p.type === "image_url").length * IMAGE_TOKENS;
}

export interface TokenCounter {
  /** `o200k_base`, `cl100k_base`, or `estimate` (characters / 4). */
  readonly method: string;
  readonly exact: boolean;
  count(text: string): number;
}

/** Chat framing per message and for the reply's start, as OpenAI documents for its chat models. */
const PER_MESSAGE = 3;
const PER_REPLY = 3;

const estimate: TokenCounter = {
  method: "estimate (4 characters a token)",
  exact: false,
  count: (t) => Math.ceil(t.length / 4),
};

export async function tokenCounter(model: string, provider: string): Promise<TokenCounter> {
  const openaiModel = /^(gpt-|o\d|chatgpt-)/i.test(model);
  if (!openaiModel || (provider !== "openai" && provider !== "openai-compatible")) return estimate;
  if (/^gpt-(4(?!o|\.1)|3\.5)/i.test(model)) {
    const { countTokens } = await import("gpt-tokenizer/encoding/cl100k_base");
    return { method: "cl100k_base", exact: true, count: (t) => countTokens(t) };
  }
  const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
  return { method: "o200k_base", exact: true, count: (t) => countTokens(t) };
}

export function chatTokens(counter: TokenCounter, messages: readonly ChatMessage[]): number {
  let n = PER_REPLY;
  for (const m of messages) n += PER_MESSAGE + counter.count(messageText(m.content)) + imageTokens(m.content) + 1;
  return n;
}
