/**
 * The OpenAI adapter's direct path: Chat Completions POSTed straight over keep-alive node:http
 * (util/http-request.ts), for runs that did not hand the client a `fetch` of their own. The
 * SDK's per-call work — building and merging request options, formatting log lines that are
 * then thrown away, WHATWG `Response`/`Headers` objects, an AbortController and its listeners per
 * attempt — cost as much CPU as the rest of a judge call (bench/executor-cpu.bench.ts); this
 * path does only what a judge call needs and keeps the SDK's meaning exactly:
 *   - retries as the SDK makes them: on 408, 409, 429, 5xx, timeouts and connection failures,
 *     `x-should-retry` obeyed, `retry-after-ms` / `retry-after` honoured (a wait past
 *     MAX_RETRY_AFTER_MS is not waited: the call fails now and says so), otherwise
 *     0.5 s × 2^n backoff up to 8 s with up to 25% jitter;
 *   - failures raised as the SDK's own error classes (APIError by status, APIConnectionError,
 *     APIConnectionTimeoutError, APIUserAbortError), so they are described in the same words;
 *   - the SDK's headers that matter to a server: bearer key, organization, project, retry count.
 * The SDK object still resolves the base URL, key and organization from the environment.
 */
import type { OpenAI } from "openai";
import { type Agents, RequestTimeoutError, sendRequest, type Target, targetOf } from "../util/http-request.js";
import { jsonOnce } from "../util/json-once.js";
import { openaiPackage } from "../util/packages.js";
import { MAX_RETRY_AFTER_MS } from "../util/retry-after.js";

/** What the direct path needs of a client: an SDK object has all of it, and so has provider/openai.ts's own. */
export type OpenAIEndpoint = Pick<OpenAI, "baseURL" | "apiKey" | "organization" | "project">;

export interface OpenAIHttpOptions {
  readonly sdk: OpenAIEndpoint;
  readonly agents: Agents;
  readonly timeoutMs: number;
  readonly maxRetries: number;
}

/** One call's outcome with the HTTP attempts it took (the first included). */
export interface Posted {
  readonly json: unknown;
  readonly attempts: number;
}

/** Errors this path throws carry the attempts made, for the summary and the message. */
export type WithAttempts = Error & { attempts?: number };

function header(raw: readonly string[], name: string): string | null {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1]!;
  return null;
}

function headersOf(raw: readonly string[]): Headers {
  const h = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name !== "content-encoding" && name !== "content-length") h.append(name, raw[i + 1]!);
  }
  return h;
}

/** The wait a response asks for, read as the SDK reads it (undefined: none asked). */
function askedWait(raw: readonly string[]): number | undefined {
  const ms = Number.parseFloat(header(raw, "retry-after-ms") ?? "");
  if (!Number.isNaN(ms) && ms) return ms;
  const value = header(raw, "retry-after");
  if (!value) return undefined;
  const s = Number.parseFloat(value);
  return Number.isNaN(s) ? Date.parse(value) - Date.now() : s * 1000;
}

function shouldRetry(status: number, raw: readonly string[]): boolean {
  const h = header(raw, "x-should-retry");
  if (h === "true") return true;
  if (h === "false") return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function backoff(retry: number): number {
  return Math.min(0.5 * 2 ** retry, 8) * (1 - Math.random() * 0.25) * 1000;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

// The parts of a request that are the same on every call of a run (the answer format object
// with its schema, the rubric's system message) are serialized and UTF-8 encoded once: building
// the whole body as one string would serialize them again for every call, and node:http would
// then flatten, measure and encode that string again.
const encoded = new WeakMap<object, Buffer>();
const systemJson = new Map<string, Buffer>();

function encodeOnce(value: object): Buffer {
  let b = encoded.get(value);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(value), "utf8");
    encoded.set(value, b);
  }
  return b;
}

/** The encoded JSON of a system message, or null when the message is not a plain one. */
function systemMessage(m: unknown): Buffer | null {
  const msg = m as { role?: unknown; content?: unknown } | null;
  if (msg === null || typeof msg !== "object" || msg.role !== "system" || typeof msg.content !== "string") return null;
  const keys = Object.keys(msg);
  if (keys.length !== 2 || keys[0] !== "role") return null;
  let b = systemJson.get(msg.content);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify({ role: "system", content: msg.content }), "utf8");
    if (systemJson.size > 64) systemJson.clear();
    systemJson.set(msg.content, b);
  }
  return b;
}

/** A request body in pieces, sent one after another (one writev), and its length in bytes. */
export interface BodyPieces {
  readonly pieces: readonly (string | Buffer)[];
  readonly bytes: number;
}

/**
 * `JSON.stringify(body)` as UTF-8, byte for byte, in pieces: the parts every call shares are the
 * same Buffers on every call (never copied or encoded again), and the text between them is
 * handed to the socket as strings, which it encodes as it writes them. No string is built from
 * the pieces and no buffer is allocated for the whole body.
 */
export function requestBody(body: unknown): BodyPieces {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    const text = JSON.stringify(body) ?? "";
    return { pieces: [text], bytes: Buffer.byteLength(text, "utf8") };
  }
  const pieces: (string | Buffer)[] = [];
  let text = "{";
  const shared = (b: Buffer) => {
    pieces.push(text, b);
    text = "";
  };
  let first = true;
  for (const [k, v] of Object.entries(body)) {
    if (k === "messages" && Array.isArray(v)) {
      text += first ? '"messages":[' : ',"messages":[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) text += ",";
        const m: unknown = v[i];
        const sys = systemMessage(m);
        if (sys !== null) shared(sys);
        else {
          // A long message is its own piece: appending it to `text` would copy it.
          const json = (m !== null && typeof m === "object" ? jsonOnce(m) : JSON.stringify(m)) ?? "null";
          pieces.push(text, json);
          text = "";
        }
      }
      text += "]";
    } else if (k === "response_format" && v !== null && typeof v === "object" && !Array.isArray(v)) {
      text += first ? '"response_format":' : ',"response_format":';
      shared(encodeOnce(v));
    } else {
      // undefined, functions and symbols are left out, as JSON.stringify leaves them out.
      const json = JSON.stringify(v);
      if (json === undefined) continue;
      text += `${first ? "" : ","}${JSON.stringify(k)}:${json}`;
    }
    first = false;
  }
  pieces.push(`${text}}`);
  let bytes = 0;
  const kept: (string | Buffer)[] = [];
  for (const p of pieces) {
    if (p.length === 0) continue;
    bytes += typeof p === "string" ? Buffer.byteLength(p, "utf8") : p.length;
    kept.push(p);
  }
  return { pieces: kept, bytes };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function openaiHttp(
  o: OpenAIHttpOptions,
): (path: string, body: unknown, signal?: AbortSignal) => Promise<Posted> {
  const base = o.sdk.baseURL.replace(/\/+$/, "");
  // The headers as node:http sends them (name, value, …), the same on every call but for the
  // length and the retry count, so no header map is built per call.
  const fixed = [
    "content-type",
    "application/json",
    "accept",
    "application/json",
    "accept-encoding",
    "gzip, deflate, br",
    "user-agent",
    "rulers (openai-compatible)",
    "authorization",
    `Bearer ${o.sdk.apiKey}`,
  ];
  if (o.sdk.organization) fixed.push("openai-organization", o.sdk.organization);
  if (o.sdk.project) fixed.push("openai-project", o.sdk.project);

  const targets = new Map<string, { target: Target; head: readonly string[] }>();
  return async (path, body, signal) => {
    let to = targets.get(path);
    if (!to) {
      const url = new URL(base + path);
      // `host` as node:http writes it: the port only when it is not the scheme's default.
      to = { target: targetOf(url), head: [...fixed, "host", url.host] };
      targets.set(path, to);
    }
    const { target, head } = to;
    const payload = requestBody(body);
    const length = String(payload.bytes);
    let attempts = 0;
    const fail = (err: Error): never => {
      (err as WithAttempts).attempts = attempts;
      throw err;
    };
    for (let retry = 0; ; retry++) {
      if (signal?.aborted) fail(new (openaiPackage().APIUserAbortError)());
      attempts++;
      let res: Awaited<ReturnType<typeof sendRequest>> | null = null;
      let netError: unknown = null;
      try {
        // The timeout is per attempt, as the SDK's `timeout` is.
        res = await sendRequest(o.agents, target, {
          method: "POST",
          headers: [...head, "content-length", length, "x-stainless-retry-count", String(retry)],
          body: payload.pieces,
          signal,
          timeoutMs: o.timeoutMs,
        });
      } catch (err) {
        netError = err;
      }
      const left = o.maxRetries - retry;
      if (res === null) {
        if (signal?.aborted) fail(new (openaiPackage().APIUserAbortError)());
        const timedOut = netError instanceof RequestTimeoutError;
        if ((netError as Error)?.name === "ResponseTooLargeError")
          fail(
            new (openaiPackage().APIConnectionError)({
              message: (netError as Error).message,
              cause: netError as Error,
            }),
          );
        if (left > 0) {
          await sleep(backoff(retry), signal);
          continue;
        }
        fail(
          timedOut
            ? new (openaiPackage().APIConnectionTimeoutError)()
            : new (openaiPackage().APIConnectionError)({ cause: netError as Error }),
        );
      }
      const r = res!;
      if (r.status >= 200 && r.status < 300) {
        const bodyText = r.body.toString("utf8");
        const type = (header(r.rawHeaders, "content-type") ?? "").split(";")[0]!.trim();
        if (r.status === 204) return { json: null, attempts };
        if (type.includes("application/json") || type.endsWith("+json")) {
          try {
            return { json: bodyText === "" ? undefined : JSON.parse(bodyText), attempts };
          } catch (err) {
            fail(err as Error);
          }
        }
        return { json: bodyText, attempts };
      }
      if (left > 0 && shouldRetry(r.status, r.rawHeaders)) {
        const wait = askedWait(r.rawHeaders);
        if (wait === undefined || wait <= MAX_RETRY_AFTER_MS) {
          await sleep(wait ?? backoff(retry), signal);
          continue;
        }
      }
      const errText = r.body.toString("utf8");
      const errJson = safeJson(errText) as Record<string, unknown> | undefined;
      fail(
        openaiPackage().APIError.generate(
          r.status,
          errJson,
          errJson ? undefined : errText || undefined,
          headersOf(r.rawHeaders),
        ),
      );
    }
  };
}
