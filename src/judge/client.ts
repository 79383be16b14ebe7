/**
 * The judge's transport: the real `openai` SDK against any OpenAI-compatible endpoint. Retries
 * (exponential backoff with jitter, honouring `retry-after` on 408/409/429/5xx, timeouts and
 * connection errors) are the SDK's own; we only count the attempts, through its `fetch` hook,
 * and turn failures into errors a user can act on.
 */
import OpenAI from "openai";

export interface ClientOptions {
  readonly baseURL?: string;
  readonly apiKey?: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /** Calls in flight at once (`--concurrency`); further calls wait their turn. */
  readonly maxInFlight?: number;
}

export interface JudgeClient {
  readonly sdk: OpenAI;
  readonly baseURL: string;
  /** HTTP attempts per request id, filled by the fetch hook. */
  readonly attempts: Map<string, number>;
  readonly slots: Semaphore;
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

export interface ChatRequest {
  readonly model: string;
  readonly messages: { role: "system" | "user" | "assistant"; content: string }[];
  readonly temperature: number;
  readonly seed?: number | undefined;
  readonly max_tokens?: number | undefined;
  readonly response_format: Record<string, unknown>;
}

export interface Completion {
  readonly content: string | null;
  readonly refusal: string | null;
  readonly finish_reason: string | null;
  /** The model as the API reported it, not as requested. */
  readonly model: string;
  readonly system_fingerprint: string | null;
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number };
  readonly latency_ms: number;
  readonly attempts: number;
}

export type JudgeErrorKind = "auth" | "rate_limit" | "server" | "timeout" | "connection" | "bad_request" | "not_found";

export class JudgeCallError extends Error {
  constructor(readonly kind: JudgeErrorKind, message: string, readonly status?: number) {
    super(message);
    this.name = "JudgeCallError";
  }
  /** Errors that will not go away by trying other items: the run should stop. */
  get fatal(): boolean {
    return this.kind === "auth" || this.kind === "not_found" || this.kind === "connection";
  }
}

const REQUEST_ID = "x-rulers-request";

export function createJudgeClient(opts: ClientOptions): JudgeClient {
  const attempts = new Map<string, number>();
  const counting: typeof fetch = (input, init) => {
    const h = init?.headers;
    const id = h instanceof Headers ? h.get(REQUEST_ID) : new Headers(h).get(REQUEST_ID);
    if (id) attempts.set(id, (attempts.get(id) ?? 0) + 1);
    return fetch(input, init);
  };
  const sdk = new OpenAI({
    // The SDK reads OPENAI_API_KEY / OPENAI_BASE_URL itself when these are undefined. Local
    // servers (vLLM, llama.cpp, Ollama) accept any key, so a missing one is not an error here.
    apiKey: opts.apiKey ?? process.env.OPENAI_API_KEY ?? "not-set",
    ...(opts.baseURL !== undefined ? { baseURL: opts.baseURL } : {}),
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
    fetch: counting,
  });
  return { sdk, baseURL: sdk.baseURL, attempts, slots: new Semaphore(opts.maxInFlight ?? Infinity) };
}

let counter = 0;

function describe(err: unknown, baseURL: string): JudgeCallError {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new JudgeCallError("timeout", `the judge did not answer in time (${baseURL}); raise --timeout-s or lower --concurrency`);
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = (err as { cause?: { cause?: { code?: string }; code?: string } }).cause;
    const code = cause?.cause?.code ?? cause?.code ?? "";
    return new JudgeCallError("connection", `cannot reach ${baseURL}${code ? ` (${code})` : ""}; check --base-url and that the server is running`);
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const detail = (err.message || "").replace(/\s+/g, " ").slice(0, 200);
    if (status === 401 || status === 403) return new JudgeCallError("auth", `the API key was rejected (${status}); set OPENAI_API_KEY or pass --api-key-env`, status);
    if (status === 404) return new JudgeCallError("not_found", `the endpoint or model was not found (404: ${detail}); check --base-url and --model`, status);
    if (status === 429) return new JudgeCallError("rate_limit", `rate limited after all retries (429: ${detail})`, status);
    if (status >= 500) return new JudgeCallError("server", `the judge server failed after all retries (${status}: ${detail})`, status);
    return new JudgeCallError("bad_request", `the judge server refused the request (${status}: ${detail})`, status);
  }
  return new JudgeCallError("connection", `request to ${baseURL} failed: ${(err as Error).message}`);
}

export async function complete(client: JudgeClient, request: ChatRequest, signal?: AbortSignal): Promise<Completion> {
  const id = `r${++counter}`;
  await client.slots.acquire();
  const started = performance.now();
  try {
    const body: Record<string, unknown> = {
      model: request.model,
      messages: request.messages,
      temperature: request.temperature,
      response_format: request.response_format,
    };
    if (request.seed !== undefined) body.seed = request.seed;
    if (request.max_tokens !== undefined) body.max_tokens = request.max_tokens;
    const r = await client.sdk.chat.completions.create(body as never, { headers: { [REQUEST_ID]: id }, ...(signal ? { signal } : {}) });
    const res = r as unknown as OpenAI.Chat.Completions.ChatCompletion;
    const choice = res.choices[0];
    return {
      content: choice?.message.content ?? null,
      refusal: (choice?.message as { refusal?: string | null } | undefined)?.refusal ?? null,
      finish_reason: choice?.finish_reason ?? null,
      model: res.model,
      system_fingerprint: res.system_fingerprint ?? null,
      usage: { prompt_tokens: res.usage?.prompt_tokens ?? 0, completion_tokens: res.usage?.completion_tokens ?? 0 },
      latency_ms: Math.round(performance.now() - started),
      attempts: client.attempts.get(id) ?? 1,
    };
  } catch (err) {
    throw describe(err, client.baseURL);
  } finally {
    client.slots.release();
    client.attempts.delete(id);
  }
}

export function jsonSchemaFormat(name: string, schema: unknown): Record<string, unknown> {
  return { type: "json_schema", json_schema: { name, schema, strict: true } };
}

export function jsonObjectFormat(): Record<string, unknown> {
  return { type: "json_object" };
}
