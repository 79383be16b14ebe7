/**
 * Anthropic's Messages API through the official `@anthropic-ai/sdk`, with its native structured
 * output (`output_config.format`, the answer schema in Anthropic's dialect) or a forced tool
 * call (`--format tools`). Reasoning: `output_config.effort` and extended thinking with a token
 * budget; thinking takes the model's default temperature, so none is sent with it.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { CapabilityTable } from "./capabilities.js";
import { JudgeCallError } from "./errors.js";
import type { Provider, ProviderOptions } from "./provider.js";
import { translateSchema } from "./schema.js";
import { describeSdkError } from "./sdk-errors.js";
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

/** Anthropic requires a limit; this one is used when the rubric sets no `max tokens`. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

const translated = new WeakMap<object, Record<string, unknown>>();
function dialect(schema: Record<string, unknown>): Record<string, unknown> {
  let s = translated.get(schema);
  if (!s) {
    s = translateSchema(schema, "anthropic").schema;
    translated.set(schema, s);
  }
  return s;
}

/** A content part as an Anthropic content block (`image` with a base64 or URL source). */
function anthropicPart(p: ContentPart): Record<string, unknown> {
  if (p.type === "text") return { type: "text", text: p.text };
  const src = imageSource(p.image_url.url);
  return {
    type: "image",
    source:
      src.kind === "data"
        ? { type: "base64", media_type: src.mediaType, data: src.data }
        : { type: "url", url: src.url },
  };
}

export function anthropicBody(
  request: ChatRequest,
  format: AnswerFormat,
  caps: CapabilityTable,
): Record<string, unknown> {
  const c = caps.lookup(request.model);
  const system = request.messages.filter((m) => m.role === "system").map((m) => messageText(m.content));
  const answer = request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS;
  const budget = request.reasoning_budget;
  const body: Record<string, unknown> = {
    model: request.model,
    // The thinking budget is spent inside max_tokens, so the answer's own limit comes on top.
    max_tokens: budget !== undefined ? budget + answer : answer,
  };
  if (system.length) body.system = system.join("\n\n");
  body.messages = request.messages
    .filter((m) => m.role !== "system")
    .map((m) => ({ role: m.role, content: typeof m.content === "string" ? m.content : m.content.map(anthropicPart) }));
  if (c.temperature && budget === undefined) body.temperature = request.temperature;
  if (budget !== undefined) body.thinking = { type: "enabled", budget_tokens: budget };
  const output: Record<string, unknown> = {};
  if (request.reasoning_effort !== undefined) output.effort = request.reasoning_effort;
  const schema = schemaOf(request.response_format);
  if (schema !== null && format === "tools") {
    if (budget !== undefined)
      throw new JudgeCallError(
        "bad_request",
        "Anthropic does not accept a forced tool call while thinking (`reasoning budget`); use --format json_schema, or pass --reasoning-budget off",
        undefined,
        { retryable: false },
      );
    const name = schemaName(request.response_format);
    body.tools = [
      {
        name,
        description: "Record the judgment. Call this exactly once with the complete answer.",
        input_schema: dialect(schema),
      },
    ];
    body.tool_choice = { type: "tool", name };
  } else if (schema !== null && format === "json_schema") {
    output.format = { type: "json_schema", schema: dialect(schema) };
  }
  if (Object.keys(output).length) body.output_config = output;
  return body;
}

const STOP: Record<string, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  tool_use: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  refusal: "refusal",
};

export function anthropicAnswer(res: unknown, request: ChatRequest, at: string): ProviderAnswer {
  const r = res as Partial<Anthropic.Messages.Message> | null;
  if (!r || typeof r !== "object" || !Array.isArray(r.content))
    throw new JudgeCallError("server", `${at} answered without a message (no content); check --base-url`, 200, {
      retryable: false,
    });
  let text = "";
  let tool: string | null = null;
  for (const block of r.content) {
    // Thinking blocks are the model's working, not its answer.
    if (block.type === "text") text += block.text;
    else if (block.type === "tool_use" && tool === null) tool = JSON.stringify(block.input);
  }
  const stop = r.stop_reason ?? null;
  const finish = stop === null ? null : (STOP[stop] ?? stop);
  const u = r.usage;
  const cached = u?.cache_read_input_tokens ?? 0;
  return {
    content: finish === "refusal" ? null : (tool ?? (text || null)),
    refusal: finish === "refusal" ? text || "the model declined to answer (stop_reason refusal)" : null,
    finish_reason: finish,
    model: typeof r.model === "string" && r.model ? r.model : request.model,
    system_fingerprint: null,
    usage: {
      // Anthropic counts cache reads and writes apart from input_tokens; all of them are prompt.
      prompt_tokens: (u?.input_tokens ?? 0) + cached + (u?.cache_creation_input_tokens ?? 0),
      completion_tokens: u?.output_tokens ?? 0,
      ...(cached ? { cached_tokens: cached } : {}),
    },
  };
}

// The SDK is loaded on the first call: runs that never talk to Anthropic do not pay for its import.
let sdkModule: typeof import("@anthropic-ai/sdk") | null = null;

export function anthropicProvider(opts: ProviderOptions): Provider {
  const apiKey = opts.apiKey ?? process.env.ANTHROPIC_API_KEY;
  const at = (opts.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com").replace(/\/+$/, "");
  let sdk: Anthropic | null = null;
  const client = async (): Promise<Anthropic> => {
    sdkModule ??= await import("@anthropic-ai/sdk");
    sdk ??= new sdkModule.default({
      apiKey: apiKey ?? "not-set",
      baseURL: at,
      timeout: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      fetch: opts.fetch,
    });
    return sdk;
  };
  return {
    name: "anthropic",
    baseURL: at,
    keyMissing: apiKey === undefined,
    format: opts.format,
    body: (request) => anthropicBody(request, opts.format, opts.capabilities),
    async send(request, signal) {
      const body = anthropicBody(request, opts.format, opts.capabilities);
      const res = await (await client()).messages.create(body as never, signal ? { signal } : {});
      return anthropicAnswer(res, request, at);
    },
    describe: (err, attempts) =>
      describeSdkError(err, sdkModule?.default ?? null, {
        at,
        attempts,
        keyMissing: apiKey === undefined,
        keyEnv: opts.keyEnv ?? "ANTHROPIC_API_KEY",
      }),
    abortError: () => Object.assign(new Error("the call was cancelled"), { name: "APIUserAbortError" }),
  };
}
