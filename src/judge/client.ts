/**
 * The judge's transport: one provider adapter (src/provider/: OpenAI and OpenAI-compatible
 * servers, Anthropic, Gemini, each through its official SDK) behind a call-slot semaphore.
 * Retries (exponential backoff with jitter, retry-after where the SDK honours it) are the SDKs'
 * own; we count the attempts through the `fetch` hook every SDK accepts, give them a keep-alive
 * transport (keepalive-fetch.ts), and turn failures into errors a user can act on.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  type AnswerFormat,
  type CapabilityTable,
  type ChatRequest,
  type Completion,
  capabilityTable,
  createProvider,
  type Guided,
  inferProvider,
  JudgeCallError,
  KEY_ENV,
  type Provider,
  type ProviderName,
  type ResponseFormat,
  SchemaDialectError,
} from "../provider/index.js";
import { nowMs } from "../util/clock.js";
import { extend } from "../util/extend.js";
import { keepAliveAgents } from "../util/http-request.js";
import { redactUrl } from "../util/redact.js";
import { capRetryAfter } from "../util/retry-after.js";
import type { Budget } from "./budget.js";
import { keepAliveFetch } from "./keepalive-fetch.js";

export interface ClientOptions {
  /** Defaults to the provider's own (OPENAI_BASE_URL for OpenAI, as the SDK does). */
  readonly baseURL?: string;
  /** Defaults to the provider's variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY). */
  readonly apiKey?: string;
  /** The variable the key was read from, for the hint when it is rejected. */
  readonly apiKeyEnv?: string;
  /** Per HTTP attempt, as the SDK counts it; a call may take (maxRetries + 1) times this plus backoff. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /** Calls in flight at once (`--concurrency`); further calls wait their turn. */
  readonly maxInFlight?: number;
  /** Replaces the HTTP transport (the built-in `fetch`, a proxy-aware one, a test double). */
  readonly fetch?: typeof fetch;
  /** Default: inferred from the base URL, else from `model`. */
  readonly provider?: ProviderName;
  /** Only used to infer the provider when none is given. */
  readonly model?: string;
  readonly format?: AnswerFormat;
  readonly guided?: Guided;
  readonly capabilities?: CapabilityTable;
  /** `--max-cost`: calls that would take the projected spend past it are never started. */
  readonly budget?: Budget;
}

export interface JudgeClient {
  readonly provider: Provider;
  readonly baseURL: string;
  readonly slots: Semaphore;
  /** No key was given or found in the environment (a placeholder is sent). */
  readonly keyMissing: boolean;
  readonly capabilities: CapabilityTable;
  readonly budget?: Budget;
}

/** A counting semaphore: the judge's concurrency limit is on calls, not on items. */
export class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export type { ChatMessage, ChatRequest, Completion, JudgeErrorKind, ResponseFormat } from "../provider/index.js";
export { JudgeCallError };

/** Attempts of the call whose async context we are in: the fetch hook cannot see which call it serves. */
const currentCall = new AsyncLocalStorage<{ attempts: number }>();

export function createJudgeClient(opts: ClientOptions): JudgeClient {
  // A server's Retry-After is obeyed up to a bound; past it the call fails and says how long was asked.
  // Without a fetch of the caller's own, the OpenAI adapter posts through these agents directly
  // (provider/openai-http.ts); the other adapters' SDKs get a fetch over the same agents.
  const agents = opts.fetch
    ? undefined
    : keepAliveAgents(opts.maxInFlight !== undefined ? { maxSockets: opts.maxInFlight } : {});
  const transport = capRetryAfter(opts.fetch ?? keepAliveFetch({ agents: agents! }));
  const counting: typeof fetch = (input, init) => {
    const call = currentCall.getStore();
    if (call) call.attempts++;
    return transport(input, init);
  };
  const name = opts.provider ?? inferProvider(opts.baseURL, opts.model);
  const capabilities = opts.capabilities ?? capabilityTable();
  const provider = createProvider(name, {
    baseURL: opts.baseURL,
    apiKey: opts.apiKey,
    keyEnv: opts.apiKeyEnv ?? KEY_ENV[name],
    timeoutMs: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    fetch: counting,
    agents,
    format: opts.format ?? "json_schema",
    guided: opts.guided,
    capabilities,
  });
  return {
    provider,
    // For messages and records only (the SDK keeps the real one): credentials are never shown.
    baseURL: redactUrl(provider.baseURL),
    slots: new Semaphore(opts.maxInFlight ?? Infinity),
    keyMissing: provider.keyMissing,
    capabilities,
    ...(opts.budget ? { budget: opts.budget } : {}),
  };
}

/**
 * One judge call. Resolves with what the API answered, refusals and truncated answers included
 * (the caller decides what they mean); rejects only with a `JudgeCallError`.
 */
export async function complete(client: JudgeClient, request: ChatRequest, signal?: AbortSignal): Promise<Completion> {
  await client.slots.acquire();
  const call = { attempts: 0 };
  const started = nowMs();
  let reserved: number | null = null;
  let usage: Completion["usage"] | null = null;
  let reported = request.model;
  try {
    if (signal?.aborted) throw client.provider.abortError();
    if (client.budget) reserved = client.budget.reserve(request);
    const provider = client.provider;
    let answer: Awaited<ReturnType<Provider["send"]>>;
    if (provider.sendCounted) {
      // Counts its own attempts: no async context (and its promise hooks) on every call.
      const r = await provider.sendCounted(request, signal);
      call.attempts = r.attempts;
      answer = r.answer;
    } else answer = await currentCall.run(call, () => provider.send(request, signal));
    usage = answer.usage;
    reported = answer.model;
    return extend(answer, {
      latency_ms: Math.round(nowMs() - started),
      attempts: Math.max(1, call.attempts),
    });
  } catch (err) {
    if (err instanceof SchemaDialectError)
      throw new JudgeCallError("bad_request", err.message, undefined, { retryable: false, fatal: true });
    const counted = (err as { attempts?: unknown } | null)?.attempts;
    throw client.provider.describe(err, Math.max(1, typeof counted === "number" ? counted : call.attempts));
  } finally {
    if (reserved !== null) client.budget!.settle(reserved, reported, request.model, usage);
    client.slots.release();
  }
}

/** Strict structured output: the server must answer with JSON valid against `schema`. */
export function jsonSchemaFormat(name: string, schema: unknown): ResponseFormat {
  return { type: "json_schema", json_schema: { name, schema, strict: true } };
}

/** JSON mode, for servers without strict schemas (`--format json`); the caller validates. */
export function jsonObjectFormat(): ResponseFormat {
  return { type: "json_object" };
}
