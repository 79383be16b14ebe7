/**
 * What every judge provider adapter speaks: one provider-neutral request in, one completion out.
 * The request is the OpenAI-dialect description the cache key has always been made from; each
 * adapter translates it to its own wire format (and back), so the rest of rulers never sees a
 * provider's dialect.
 */

export type ProviderName = "openai" | "anthropic" | "gemini" | "openai-compatible";
export const PROVIDERS: readonly ProviderName[] = ["openai", "anthropic", "gemini", "openai-compatible"];

/** How the answer is constrained: a strict schema, a forced tool call, or JSON mode plus validation. */
export type AnswerFormat = "json_schema" | "tools" | "json";

/** Guided-decoding fields of OpenAI-compatible servers, sent beside the standard ones. */
export type Guided = "vllm" | "vllm-legacy" | "ollama" | "llama.cpp";
export const GUIDED: readonly Guided[] = ["vllm", "vllm-legacy", "ollama", "llama.cpp"];

/** One part of a message that carries images: OpenAI's Chat Completions content parts. */
export type ContentPart =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "image_url"; readonly image_url: { readonly url: string } };

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  /** Text, or parts when the item has image inputs (only the user message ever does). */
  readonly content: string | readonly ContentPart[];
}

/** A message's text parts, joined (images left out). */
export function messageText(content: ChatMessage["content"]): string {
  return typeof content === "string" ? content : content.map((p) => (p.type === "text" ? p.text : "")).join("\n");
}

const DATA_URL = /^data:([^;,]+);base64,/;

/**
 * An image part in a provider's terms: inline bytes (data URL) or a link. Anthropic and Gemini
 * take inline images as base64 with their media type; links as a URL block / `fileData`.
 */
export function imageSource(
  url: string,
): { kind: "data"; mediaType: string; data: string } | { kind: "url"; url: string; mediaType: string | null } {
  const m = DATA_URL.exec(url);
  if (m) return { kind: "data", mediaType: m[1]!, data: url.slice(m[0].length) };
  const ext = /\.(png|jpe?g|gif|webp)(?:$|[?#])/i.exec(url)?.[1]?.toLowerCase();
  const mediaType = ext ? `image/${ext === "jpg" ? "jpeg" : ext}` : null;
  return { kind: "url", url, mediaType };
}

export type ResponseFormat = Record<string, unknown>;

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly seed?: number | undefined;
  readonly max_tokens?: number | undefined;
  /** `{type: "json_schema", json_schema: {name, schema, strict}}` or `{type: "json_object"}`. */
  readonly response_format: ResponseFormat;
  /** Reasoning models only (`low`, `medium`, …): OpenAI reasoning_effort, Anthropic effort, Gemini thinkingLevel. */
  readonly reasoning_effort?: string | undefined;
  /** Thinking tokens allowed before the answer: Anthropic thinking.budget_tokens, Gemini thinkingBudget. */
  readonly reasoning_budget?: number | undefined;
}

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  /** Input tokens served from the provider's prompt cache (billed at the cached price); part of prompt_tokens. */
  readonly cached_tokens?: number;
}

/** One answer as the provider gave it, before rulers times and counts it. */
export interface ProviderAnswer {
  readonly content: string | null;
  readonly refusal: string | null;
  /** Normalised: `stop`, `length` (cut off), `refusal`, `content_filter`, or the provider's own word. */
  readonly finish_reason: string | null;
  /** The model as the API reported it, not as requested. */
  readonly model: string;
  readonly system_fingerprint: string | null;
  readonly usage: Usage;
}

export interface Completion extends ProviderAnswer {
  /** Wall time of the call, retries and backoff included (waiting for a slot excluded). */
  readonly latency_ms: number;
  /** HTTP attempts made: 1 + retries. */
  readonly attempts: number;
}

/** The schema inside a response_format, or null for JSON mode. */
export function schemaOf(format: ResponseFormat): Record<string, unknown> | null {
  const js = (format as { json_schema?: { schema?: unknown } }).json_schema;
  return js && typeof js.schema === "object" && js.schema !== null ? (js.schema as Record<string, unknown>) : null;
}

/** Name of the answer object: the json_schema name, used as the tool name in `tools` mode. */
export function schemaName(format: ResponseFormat): string {
  const name = (format as { json_schema?: { name?: unknown } }).json_schema?.name;
  return typeof name === "string" && name ? name : "judgment";
}
