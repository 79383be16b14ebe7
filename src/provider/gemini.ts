/**
 * Google's Gemini API (generateContent) through the official `@google/genai` SDK, with native
 * structured output: `responseJsonSchema` (JSON Schema, Gemini 2.5 on) or `responseSchema`
 * (the older OpenAPI subset, chosen by the capabilities table), or a forced function call
 * (`--format tools`). Reasoning: thinkingLevel (`reasoning effort`) and thinkingBudget.
 */
import type { GoogleGenAI } from "@google/genai";
import type { CapabilityTable } from "./capabilities.js";
import {
  connectionError,
  type DescribeContext,
  describeStatus,
  JudgeCallError,
  oneLine,
  timeoutError,
} from "./errors.js";
import type { Provider, ProviderOptions } from "./provider.js";
import { translateSchema } from "./schema.js";
import {
  type AnswerFormat,
  type ChatRequest,
  type ContentPart,
  imageSource,
  messageText,
  type ProviderAnswer,
  schemaName,
  schemaOf,
} from "./types.js";

const translated = new WeakMap<object, Map<string, Record<string, unknown>>>();
function dialect(schema: Record<string, unknown>, d: "gemini" | "gemini-openapi"): Record<string, unknown> {
  let m = translated.get(schema);
  if (!m) {
    m = new Map();
    translated.set(schema, m);
  }
  let s = m.get(d);
  if (!s) {
    s = translateSchema(schema, d).schema;
    m.set(d, s);
  }
  return s;
}

/** A content part as a Gemini part: text, `inlineData` (base64) or `fileData` (a URI). */
function geminiPart(p: ContentPart): Record<string, unknown> {
  if (p.type === "text") return { text: p.text };
  const src = imageSource(p.image_url.url);
  return src.kind === "data"
    ? { inlineData: { mimeType: src.mediaType, data: src.data } }
    : { fileData: { fileUri: src.url, ...(src.mediaType ? { mimeType: src.mediaType } : {}) } };
}

/** The SDK's generateContent parameters for one request. */
export function geminiParams(
  request: ChatRequest,
  format: AnswerFormat,
  caps: CapabilityTable,
): { model: string; contents: unknown[]; config: Record<string, unknown> } {
  const c = caps.lookup(request.model);
  const system = request.messages.filter((m) => m.role === "system").map((m) => messageText(m.content));
  const contents = request.messages
    .filter((m) => m.role !== "system")
    .map((m) => ({
      role: m.role === "assistant" ? "model" : "user",
      parts: typeof m.content === "string" ? [{ text: m.content }] : m.content.map(geminiPart),
    }));
  const config: Record<string, unknown> = {};
  if (system.length) config.systemInstruction = system.join("\n\n");
  if (c.temperature) config.temperature = request.temperature;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.max_tokens !== undefined) config.maxOutputTokens = request.max_tokens;
  const thinking: Record<string, unknown> = {};
  if (request.reasoning_effort !== undefined) thinking.thinkingLevel = request.reasoning_effort.toUpperCase();
  if (request.reasoning_budget !== undefined) thinking.thinkingBudget = request.reasoning_budget;
  if (Object.keys(thinking).length) config.thinkingConfig = thinking;
  const schema = schemaOf(request.response_format);
  if (schema !== null && format === "tools") {
    const name = schemaName(request.response_format);
    config.tools = [
      {
        functionDeclarations: [
          {
            name,
            description: "Record the judgment. Call this exactly once with the complete answer.",
            parametersJsonSchema: dialect(schema, "gemini"),
          },
        ],
      },
    ];
    config.toolConfig = { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [name] } };
  } else {
    config.responseMimeType = "application/json";
    if (schema !== null && format === "json_schema") {
      if (c.structured === "openapi") config.responseSchema = dialect(schema, "gemini-openapi");
      else config.responseJsonSchema = dialect(schema, "gemini");
    }
  }
  return { model: request.model, contents, config };
}

const FINISH: Record<string, string> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  BLOCKLIST: "content_filter",
  SPII: "content_filter",
};

export function geminiAnswer(res: unknown, request: ChatRequest, at: string): ProviderAnswer {
  const r = res as {
    candidates?: {
      content?: { parts?: { text?: string; thought?: boolean; functionCall?: { args?: unknown } }[] };
      finishReason?: string;
    }[];
    promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
    usageMetadata?: {
      promptTokenCount?: number;
      candidatesTokenCount?: number;
      thoughtsTokenCount?: number;
      cachedContentTokenCount?: number;
    };
    modelVersion?: string;
  } | null;
  const u = r?.usageMetadata;
  const cached = u?.cachedContentTokenCount ?? 0;
  const usage = {
    prompt_tokens: u?.promptTokenCount ?? 0,
    // Thinking tokens are billed as output but counted apart by Gemini.
    completion_tokens: (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0),
    ...(cached ? { cached_tokens: cached } : {}),
  };
  const model = typeof r?.modelVersion === "string" && r.modelVersion ? r.modelVersion : request.model;
  const block = r?.promptFeedback?.blockReason;
  if (block)
    return {
      content: null,
      refusal: `the prompt was blocked (${block}${r?.promptFeedback?.blockReasonMessage ? `: ${r.promptFeedback.blockReasonMessage}` : ""})`,
      finish_reason: "content_filter",
      model,
      system_fingerprint: null,
      usage,
    };
  const cand = r?.candidates?.[0];
  if (!cand)
    throw new JudgeCallError("server", `${at} answered without a candidate; check --base-url`, 200, {
      retryable: false,
    });
  let text = "";
  let call: string | null = null;
  for (const p of cand.content?.parts ?? []) {
    if (p.thought) continue;
    if (typeof p.text === "string") text += p.text;
    if (p.functionCall && call === null) call = JSON.stringify(p.functionCall.args ?? {});
  }
  const finish = cand.finishReason ? (FINISH[cand.finishReason] ?? cand.finishReason.toLowerCase()) : null;
  return {
    content: call ?? (text || null),
    refusal: finish === "content_filter" ? `the answer was blocked (${cand.finishReason})` : null,
    finish_reason: finish,
    model,
    system_fingerprint: null,
    usage,
  };
}

// The SDK is loaded on the first call: runs that never talk to Gemini do not pay for its import.
let sdkModule: typeof import("@google/genai") | null = null;

export function geminiProvider(opts: ProviderOptions): Provider {
  const apiKey = opts.apiKey ?? process.env.GEMINI_API_KEY ?? process.env.GOOGLE_API_KEY;
  const baseUrl = opts.baseURL ?? "https://generativelanguage.googleapis.com";
  let sdk: GoogleGenAI | null = null;
  const client = async (): Promise<GoogleGenAI> => {
    sdkModule ??= await import("@google/genai");
    sdk ??= new sdkModule.GoogleGenAI({
      apiKey: apiKey ?? "not-set",
      httpOptions: {
        baseUrl,
        timeout: opts.timeoutMs,
        retryOptions: { attempts: opts.maxRetries + 1, initialDelay: 0.5, maxDelay: 30 },
        fetch: opts.fetch,
      },
    });
    return sdk;
  };
  const ctx = (attempts: number): DescribeContext => ({
    at: baseUrl,
    attempts,
    keyMissing: apiKey === undefined,
    keyEnv: opts.keyEnv ?? "GEMINI_API_KEY",
  });
  return {
    name: "gemini",
    baseURL: baseUrl,
    keyMissing: apiKey === undefined,
    format: opts.format,
    body: (request) => geminiParams(request, opts.format, opts.capabilities),
    async send(request, signal) {
      const params = geminiParams(request, opts.format, opts.capabilities);
      const res = await (await client()).models.generateContent({
        ...params,
        config: { ...params.config, ...(signal ? { abortSignal: signal } : {}) },
      } as never);
      return geminiAnswer(res, request, baseUrl);
    },
    describe(err, attempts) {
      const c = ctx(attempts);
      if (err instanceof JudgeCallError) return err;
      if (sdkModule && err instanceof sdkModule.ApiError) {
        let detail = err.message;
        // The SDK puts the server's JSON body in the message.
        const m = /\{[\s\S]*\}/.exec(detail);
        if (m) {
          try {
            const parsed = JSON.parse(m[0]) as { error?: { message?: string } };
            if (parsed.error?.message) detail = parsed.error.message;
          } catch {
            /* keep the raw message */
          }
        }
        return describeStatus({ status: err.status, detail: oneLine(detail) }, c);
      }
      const name = (err as Error)?.name;
      if (name === "AbortError" && (err as Error).message?.includes("timed out")) return timeoutError(c);
      if (name === "AbortError" || name === "APIUserAbortError")
        return new JudgeCallError("aborted", "the call was cancelled", undefined, { attempts });
      if (name === "TimeoutError") return timeoutError(c);
      return connectionError(err, c);
    },
    abortError: () => Object.assign(new Error("the call was cancelled"), { name: "APIUserAbortError" }),
  };
}
