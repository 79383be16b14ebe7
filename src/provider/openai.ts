/**
 * OpenAI and every server that speaks its Chat Completions API (vLLM, llama.cpp, Ollama, LM
 * Studio, gateways), through the official `openai` SDK. The answer is constrained by a strict
 * json_schema response_format, by a forced function call whose parameters are the schema
 * (`--format tools`, for servers without json_schema), or by JSON mode plus validation; the
 * server's own guided-decoding field can be sent as well (`--guided`).
 */
import type OpenAI from "openai";
import { lazy } from "../util/lazy.js";
import { openaiPackage } from "../util/packages.js";
import type { CapabilityTable } from "./capabilities.js";
import type { DescribeContext } from "./errors.js";
import { JudgeCallError } from "./errors.js";
import { type OpenAIEndpoint, openaiHttp } from "./openai-http.js";
import type { Provider, ProviderOptions } from "./provider.js";
import { translateSchema } from "./schema.js";
import { describeSdkError } from "./sdk-errors.js";
import {
  type AnswerFormat,
  type ChatRequest,
  type Guided,
  type ProviderAnswer,
  schemaName,
  schemaOf,
} from "./types.js";

/** The guided-decoding field each server documents, holding the schema. */
export function guidedFields(guided: Guided, schema: Record<string, unknown>): Record<string, unknown> {
  switch (guided) {
    case "vllm":
      // vLLM ≥ 0.10: `structured_outputs`; older releases read `guided_json`.
      return { structured_outputs: { json: schema } };
    case "vllm-legacy":
      return { guided_json: schema };
    case "ollama":
      return { format: schema };
    case "llama.cpp":
      return { json_schema: schema };
  }
}

// Translations are per schema object; a run sends the same schema object for every item.
const checked = new WeakMap<object, Record<string, unknown>>();
function strictSchema(schema: Record<string, unknown>): Record<string, unknown> {
  let s = checked.get(schema);
  if (!s) {
    s = translateSchema(schema, "openai").schema;
    checked.set(schema, s);
  }
  return s;
}

/** The Chat Completions body for one request, as this adapter sends it. */
export function openaiBody(
  request: ChatRequest,
  format: AnswerFormat,
  caps: CapabilityTable,
  guided?: Guided,
): Record<string, unknown> {
  const c = caps.lookup(request.model);
  const body: Record<string, unknown> = { model: request.model, messages: request.messages };
  if (c.temperature) body.temperature = request.temperature;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.max_tokens !== undefined)
    body[c.token_limit === "max_completion_tokens" ? "max_completion_tokens" : "max_tokens"] = request.max_tokens;
  if (request.reasoning_effort !== undefined) body.reasoning_effort = request.reasoning_effort;
  const schema = schemaOf(request.response_format);
  if (schema === null || format === "json") body.response_format = { type: "json_object" };
  else if (format === "tools") {
    const name = schemaName(request.response_format);
    body.tools = [
      {
        type: "function",
        function: {
          name,
          description: "Record the judgment. Call this exactly once with the complete answer.",
          parameters: strictSchema(schema),
          strict: true,
        },
      },
    ];
    body.tool_choice = { type: "function", function: { name } };
  } else {
    strictSchema(schema);
    body.response_format = request.response_format;
  }
  if (guided && schema !== null) Object.assign(body, guidedFields(guided, schema));
  return body;
}

export function openaiAnswer(res: unknown, request: ChatRequest, at: string): ProviderAnswer {
  const r = res as Partial<OpenAI.Chat.Completions.ChatCompletion> | null;
  const choice = r !== null && typeof r === "object" && Array.isArray(r.choices) ? r.choices[0] : undefined;
  if (!choice || typeof choice !== "object" || !choice.message) {
    throw new JudgeCallError("server", `${at} answered without a chat completion (no choices); check --base-url`, 200, {
      retryable: false,
    });
  }
  const message = choice.message as {
    content?: string | null;
    refusal?: string | null;
    tool_calls?: { function?: { arguments?: string } }[];
  };
  // In tools mode the answer is the forced call's arguments; a server that answered in text anyway still counts.
  const args = message.tool_calls?.[0]?.function?.arguments;
  const finish = choice.finish_reason === "tool_calls" ? "stop" : (choice.finish_reason ?? null);
  const cached = (r!.usage as { prompt_tokens_details?: { cached_tokens?: number } } | undefined)?.prompt_tokens_details
    ?.cached_tokens;
  return {
    content: typeof args === "string" ? args : (message.content ?? null),
    refusal: message.refusal ?? null,
    finish_reason: finish,
    // A server that does not say which model answered is recorded with the model asked for.
    model: typeof r!.model === "string" && r!.model ? r!.model : request.model,
    system_fingerprint: r!.system_fingerprint ?? null,
    usage: {
      prompt_tokens: r!.usage?.prompt_tokens ?? 0,
      completion_tokens: r!.usage?.completion_tokens ?? 0,
      ...(cached ? { cached_tokens: cached } : {}),
    },
  };
}

/** An environment variable as the SDK reads one: trimmed, and empty counts as unset. */
function readEnv(name: string): string | undefined {
  return process.env[name]?.trim() || undefined;
}

/**
 * Where and as whom the direct path posts: what the SDK's constructor would resolve from the
 * options and the environment (OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID), read the same
 * way here so that a run on the direct path never loads the SDK (about a third of a one-row
 * judge run's start-up CPU); the SDK loads only when a call fails and its error classes are needed.
 */
function directEndpoint(opts: ProviderOptions, apiKey: string | undefined): OpenAIEndpoint {
  return {
    baseURL: (opts.baseURL ?? readEnv("OPENAI_BASE_URL")) || "https://api.openai.com/v1",
    apiKey: apiKey ?? "not-set",
    organization: readEnv("OPENAI_ORG_ID") ?? null,
    project: readEnv("OPENAI_PROJECT_ID") ?? null,
  };
}

export function openaiProvider(opts: ProviderOptions, name: "openai" | "openai-compatible"): Provider {
  const apiKey = opts.apiKey ?? process.env.OPENAI_API_KEY;
  const sdkClient = lazy(() => {
    const { OpenAI } = openaiPackage();
    return new OpenAI({
      apiKey: apiKey ?? "not-set",
      // Undefined lets the SDK read OPENAI_BASE_URL itself.
      ...(opts.baseURL !== undefined ? { baseURL: opts.baseURL } : {}),
      timeout: opts.timeoutMs,
      maxRetries: opts.maxRetries,
      fetch: opts.fetch,
    });
  });
  const endpoint: OpenAIEndpoint = opts.agents ? directEndpoint(opts, apiKey) : sdkClient();
  const ctx = (attempts: number): DescribeContext => ({
    at: endpoint.baseURL,
    attempts,
    keyMissing: apiKey === undefined,
    keyEnv: opts.keyEnv ?? "OPENAI_API_KEY",
  });
  const post = opts.agents
    ? openaiHttp({ sdk: endpoint, agents: opts.agents, timeoutMs: opts.timeoutMs, maxRetries: opts.maxRetries })
    : null;
  return {
    name,
    baseURL: endpoint.baseURL,
    keyMissing: apiKey === undefined,
    format: opts.format,
    body: (request) => openaiBody(request, opts.format, opts.capabilities, opts.guided),
    async send(request, signal) {
      const body = openaiBody(request, opts.format, opts.capabilities, opts.guided);
      const res = await sdkClient().chat.completions.create(body as never, signal ? { signal } : {});
      return openaiAnswer(res, request, endpoint.baseURL);
    },
    ...(post
      ? {
          async sendCounted(request: ChatRequest, signal?: AbortSignal) {
            const body = openaiBody(request, opts.format, opts.capabilities, opts.guided);
            const { json, attempts } = await post("/chat/completions", body, signal);
            try {
              return { answer: openaiAnswer(json, request, endpoint.baseURL), attempts };
            } catch (err) {
              throw Object.assign(err as Error, { attempts });
            }
          },
        }
      : {}),
    // Both load the SDK on first use: its error classes are what `send` and the direct path raise.
    describe: (err, attempts) => describeSdkError(err, openaiPackage().OpenAI, ctx(attempts)),
    abortError: () => new (openaiPackage().OpenAI.APIUserAbortError)(),
  };
}
