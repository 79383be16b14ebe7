/**
 * The judge's transport: the real `openai` SDK against any OpenAI-compatible endpoint. Retries
 * (exponential backoff with jitter, honouring `retry-after` / `retry-after-ms` on 408/409/429/5xx,
 * timeouts and connection errors) are the SDK's own; we count the attempts through its `fetch`
 * hook, give it a keep-alive transport that keeps up with hundreds of calls a second
 * (keepalive-fetch.ts), and turn failures into errors a user can act on.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import OpenAI from "openai";
import { redactUrl, redactUrls } from "../util/redact.js";
import { keepAliveFetch, ResponseTooLargeError } from "./keepalive-fetch.js";
import { capRetryAfter, retryAfterNote } from "./retry-after.js";

export interface ClientOptions {
  /** Defaults to OPENAI_BASE_URL, then https://api.openai.com/v1 (as the SDK does). */
  readonly baseURL?: string;
  /** Defaults to OPENAI_API_KEY. Local servers (vLLM, llama.cpp, Ollama) accept any key. */
  readonly apiKey?: string;
  /** Per HTTP attempt, as the SDK counts it; a call may take (maxRetries + 1) times this plus backoff. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /** Calls in flight at once (`--concurrency`); further calls wait their turn. */
  readonly maxInFlight?: number;
  /** Replaces the HTTP transport (the built-in `fetch`, a proxy-aware one, a test double). */
  readonly fetch?: typeof fetch;
}

export interface JudgeClient {
  readonly sdk: OpenAI;
  readonly baseURL: string;
  readonly slots: Semaphore;
  /** No key was given or found in the environment (a placeholder is sent). */
  readonly keyMissing: boolean;
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

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly seed?: number | undefined;
  readonly max_tokens?: number | undefined;
  readonly response_format: ResponseFormat;
}

export type ResponseFormat = Record<string, unknown>;

export interface Completion {
  readonly content: string | null;
  readonly refusal: string | null;
  readonly finish_reason: string | null;
  /** The model as the API reported it, not as requested. */
  readonly model: string;
  readonly system_fingerprint: string | null;
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number };
  /** Wall time of the call, retries and backoff included (waiting for a slot excluded). */
  readonly latency_ms: number;
  /** HTTP attempts made: 1 + retries. */
  readonly attempts: number;
}

export type JudgeErrorKind =
  | "auth"
  | "rate_limit"
  | "server"
  | "timeout"
  | "connection"
  | "bad_request"
  | "not_found"
  | "aborted";

export interface JudgeCallErrorDetails {
  /** Trying again later may succeed (the SDK already retried `maxRetries` times). */
  readonly retryable?: boolean;
  readonly attempts?: number;
}

export class JudgeCallError extends Error {
  readonly retryable: boolean;
  readonly attempts: number;
  constructor(
    readonly kind: JudgeErrorKind,
    message: string,
    readonly status?: number,
    details: JudgeCallErrorDetails = {},
  ) {
    // These messages reach records and stderr: no credentials from --base-url or a server's echo.
    super(redactUrls(message));
    this.name = "JudgeCallError";
    this.retryable =
      details.retryable ?? (kind === "rate_limit" || kind === "server" || kind === "timeout" || kind === "connection");
    this.attempts = details.attempts ?? 1;
  }
  /** Errors that will not go away by trying other items: the run should stop. */
  get fatal(): boolean {
    return (
      this.kind === "auth" ||
      this.kind === "not_found" ||
      this.kind === "connection" ||
      (this.kind === "rate_limit" && !this.retryable)
    );
  }
}

/** Attempts of the call whose async context we are in: the fetch hook cannot see which call it serves. */
const currentCall = new AsyncLocalStorage<{ attempts: number }>();

export function createJudgeClient(opts: ClientOptions): JudgeClient {
  const transport = capRetryAfter(
    opts.fetch ?? keepAliveFetch(opts.maxInFlight !== undefined ? { maxSockets: opts.maxInFlight } : {}),
  );
  const counting: typeof fetch = (input, init) => {
    const call = currentCall.getStore();
    if (call) call.attempts++;
    return transport(input, init);
  };
  const apiKey = opts.apiKey ?? process.env.OPENAI_API_KEY;
  const sdk = new OpenAI({
    apiKey: apiKey ?? "not-set",
    // Undefined lets the SDK read OPENAI_BASE_URL itself.
    ...(opts.baseURL !== undefined ? { baseURL: opts.baseURL } : {}),
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    fetch: counting,
  });
  return {
    sdk,
    // For messages and records only (the SDK keeps the real one): credentials never shown.
    baseURL: redactUrl(sdk.baseURL),
    slots: new Semaphore(opts.maxInFlight ?? Infinity),
    keyMissing: apiKey === undefined,
  };
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the server",
};

/** What went wrong on the network, in words: the system error code if any, else the innermost message. */
function networkProblem(err: unknown): string {
  // fetch wraps the system error: APIConnectionError → TypeError("fetch failed") → Error{code}.
  let e: unknown = err;
  let innermost = (err as Error).message;
  for (let depth = 0; depth < 4 && e !== null && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return NETWORK_CODES[code] ?? code;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && message) innermost = message;
    e = (e as { cause?: unknown }).cause;
  }
  return innermost.replace(/\.$/, "");
}

function serverDetail(err: InstanceType<typeof OpenAI.APIError>): string {
  const inner = (err.error as { message?: unknown } | undefined)?.message;
  const text = typeof inner === "string" && inner ? inner : err.message || "";
  return text.replace(/\s+/g, " ").slice(0, 200);
}

function describe(err: unknown, client: JudgeClient, attempts: number): JudgeCallError {
  const at = client.baseURL;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
  const d = { attempts };
  if (err instanceof JudgeCallError) return err;
  if (err instanceof OpenAI.APIUserAbortError)
    return new JudgeCallError("aborted", "the call was cancelled", undefined, d);
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return new JudgeCallError(
      "timeout",
      `${at} did not answer in time${tries}; raise --timeout-s or lower --concurrency`,
      undefined,
      d,
    );
  if (err instanceof OpenAI.APIConnectionError && err.cause instanceof ResponseTooLargeError)
    return new JudgeCallError("server", `${at}: ${err.cause.message}${tries}`, undefined, { ...d, retryable: false });
  if (err instanceof OpenAI.APIConnectionError) {
    return new JudgeCallError(
      "connection",
      `cannot reach ${at} (${networkProblem(err)})${tries}; check --base-url and that the server is running`,
      undefined,
      d,
    );
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const detail = serverDetail(err) + retryAfterNote(err.headers);
    if (status === 401) {
      const none = client.keyMissing ? ": none was given" : "";
      const fix = `the API key was rejected (401)${none}; set OPENAI_API_KEY or --api-key-env`;
      return new JudgeCallError("auth", fix, status, d);
    }
    if (status === 403)
      return new JudgeCallError(
        "auth",
        `the API key is not allowed to do this (403: ${detail}); check the key's project and model access`,
        status,
        d,
      );
    if (status === 404)
      return new JudgeCallError(
        "not_found",
        `the endpoint or model was not found (404: ${detail}); check --base-url and --model`,
        status,
        d,
      );
    if (status === 429) {
      if (err.code === "insufficient_quota")
        return new JudgeCallError(
          "rate_limit",
          `the account is out of quota (429: ${detail}); check the plan and billing`,
          status,
          { ...d, retryable: false },
        );
      return new JudgeCallError(
        "rate_limit",
        `rate limited by ${at}${tries} (429: ${detail}); lower --concurrency or try again later`,
        status,
        d,
      );
    }
    if (status === 408)
      return new JudgeCallError("timeout", `${at} timed out the request${tries} (408: ${detail})`, status, d);
    if (status >= 500 || status === 409)
      return new JudgeCallError("server", `${at} failed${tries} (${status}: ${detail})`, status, d);
    return new JudgeCallError("bad_request", `${at} refused the request (${status}: ${detail})`, status, d);
  }
  return new JudgeCallError(
    "connection",
    `the call to ${at} failed: ${(err as Error)?.message ?? String(err)}`,
    undefined,
    d,
  );
}

function bodyOf(request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages,
    temperature: request.temperature,
    response_format: request.response_format,
  };
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
  return body;
}

function completionOf(
  res: unknown,
  request: ChatRequest,
  client: JudgeClient,
): Omit<Completion, "latency_ms" | "attempts"> {
  const r = res as Partial<OpenAI.Chat.Completions.ChatCompletion> | null;
  const choice = r !== null && typeof r === "object" && Array.isArray(r.choices) ? r.choices[0] : undefined;
  if (!choice || typeof choice !== "object" || !choice.message) {
    throw new JudgeCallError(
      "server",
      `${client.baseURL} answered without a chat completion (no choices); check --base-url`,
      200,
      { retryable: false },
    );
  }
  const message = choice.message as { content?: string | null; refusal?: string | null };
  return {
    content: message.content ?? null,
    refusal: message.refusal ?? null,
    finish_reason: choice.finish_reason ?? null,
    // A server that does not say which model answered is recorded with the model asked for.
    model: typeof r!.model === "string" && r!.model ? r!.model : request.model,
    system_fingerprint: r!.system_fingerprint ?? null,
    usage: { prompt_tokens: r!.usage?.prompt_tokens ?? 0, completion_tokens: r!.usage?.completion_tokens ?? 0 },
  };
}

/**
 * One judge call. Resolves with what the API answered, refusals and truncated answers included
 * (the caller decides what they mean); rejects only with a `JudgeCallError`.
 */
export async function complete(client: JudgeClient, request: ChatRequest, signal?: AbortSignal): Promise<Completion> {
  await client.slots.acquire();
  const call = { attempts: 0 };
  const started = performance.now();
  try {
    if (signal?.aborted) throw new OpenAI.APIUserAbortError();
    const res = await currentCall.run(call, () =>
      client.sdk.chat.completions.create(bodyOf(request) as never, signal ? { signal } : {}),
    );
    return {
      ...completionOf(res, request, client),
      latency_ms: Math.round(performance.now() - started),
      attempts: Math.max(1, call.attempts),
    };
  } catch (err) {
    throw describe(err, client, Math.max(1, call.attempts));
  } finally {
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
