/**
 * A `fetch` for the provider SDKs over node:http(s) with keep-alive agents
 * (util/http-request.ts). Node's built-in fetch (undici) spends most of a call's client-side CPU
 * on WHATWG stream and signal plumbing, which on a small machine caps throughput below what
 * `--concurrency` asks for (see bench/judge-transport). This one buffers the answer and hands
 * the SDK a ready `Response`; everything the SDK relies on is kept: status and headers (for
 * `retry-after`), abort through `init.signal` (its timeouts) rejecting with an `AbortError`,
 * and network failures rejecting with a `TypeError` whose `cause` carries the system error
 * code, as fetch does. Anything it does not handle (streamed request bodies) goes to the
 * built-in fetch. Answers are bounded as util/http-request.ts says.
 */
import {
  type Agents,
  keepAliveAgents,
  MAX_BODY_BYTES,
  ResponseTooLargeError,
  sendRequest,
} from "../util/http-request.js";

export { MAX_BODY_BYTES, ResponseTooLargeError };

export interface KeepAliveFetchOptions {
  /** Sockets per host; the judge's concurrency, so a call never waits for a socket. */
  readonly maxSockets?: number;
  /** Cap on a response body, both as received and decompressed. */
  readonly maxBodyBytes?: number;
  /** Agents shared with another sender (the OpenAI adapter's direct path); the two options above then do not apply. */
  readonly agents?: Agents;
}

function responseHeaders(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    // The body is handed over decoded, so its encoding and length no longer apply.
    if (name === "content-encoding" || name === "content-length") continue;
    headers.append(name, raw[i + 1]!);
  }
  return headers;
}

function requestHeaders(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const h = init?.headers;
  if (!h) return out;
  if (h instanceof Headers)
    h.forEach((v, k) => {
      out[k] = v;
    });
  else if (Array.isArray(h)) for (const [k, v] of h) out[k!.toLowerCase()] = v!;
  else for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  return out;
}

export function keepAliveFetch(opts: KeepAliveFetchOptions = {}): typeof fetch {
  const agents = opts.agents ?? keepAliveAgents(opts);
  return async (input, init) => {
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array))
      return fetch(input, init);
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? "GET";
    const res = await sendRequest(agents, url, {
      method,
      headers: requestHeaders(init),
      body: body ?? undefined,
      signal: init?.signal ?? undefined,
    });
    const nullBody = res.status === 204 || res.status === 205 || res.status === 304 || method === "HEAD";
    return new Response(nullBody ? null : res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: responseHeaders(res.rawHeaders),
    });
  };
}
