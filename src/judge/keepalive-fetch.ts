/**
 * A `fetch` for the openai SDK over node:http(s) with keep-alive agents. Judge calls are small
 * JSON requests with small JSON answers, hundreds per second; Node's built-in fetch (undici)
 * spends most of a call's client-side CPU on WHATWG stream and signal plumbing, which on a small
 * machine caps throughput below what `--concurrency` asks for (see bench/judge-transport).
 * This one buffers the answer and hands the SDK a ready `Response`; everything the SDK relies
 * on is kept: status and headers (for `retry-after`), abort through `init.signal` (its
 * timeouts) rejecting with an `AbortError`, and network failures rejecting with a `TypeError`
 * whose `cause` carries the system error code, as fetch does. Anything it does not handle
 * (streamed request bodies) goes to the built-in fetch.
 *
 * Answers are bounded: a judge's answer is kilobytes, so a body past `maxBodyBytes` as sent or
 * as decompressed (a gzip bomb) stops the read, closes the socket and rejects with
 * `ResponseTooLargeError` instead of filling memory.
 */
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { nodeNet } from "../util/packages.js";

export interface KeepAliveFetchOptions {
  /** Sockets per host; the judge's concurrency, so a call never waits for a socket. */
  readonly maxSockets?: number;
  /** Cap on a response body, both as received and decompressed. */
  readonly maxBodyBytes?: number;
}

export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly compressed: boolean,
  ) {
    super(
      `the server's answer is over ${Math.round(limit / 1024 / 1024)} MB${compressed ? " once decompressed" : ""}; a judge's answer is a few kB, so check --base-url`,
    );
    this.name = "ResponseTooLargeError";
  }
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

function decoded(res: IncomingMessage): Readable {
  switch ((res.headers["content-encoding"] ?? "").toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return res.pipe(nodeNet().zlib.createGunzip());
    case "deflate":
      return res.pipe(nodeNet().zlib.createInflate());
    case "br":
      return res.pipe(nodeNet().zlib.createBrotliDecompress());
    default:
      return res;
  }
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
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
  const maxSockets = opts.maxSockets ?? Infinity;
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const { http: httpModule, https: httpsModule } = nodeNet();
  const http = new httpModule.Agent({ keepAlive: true, maxSockets, scheduling: "lifo" });
  const https = new httpsModule.Agent({ keepAlive: true, maxSockets, scheduling: "lifo" });

  return (input, init) => {
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array))
      return fetch(input, init);
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const signal = init?.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const secure = url.protocol === "https:";
      const headers = requestHeaders(init);
      if (headers["accept-encoding"] === undefined) headers["accept-encoding"] = "gzip, deflate, br";
      const req = (secure ? httpsModule.request : httpModule.request)(url, {
        method: init?.method ?? "GET",
        headers,
        agent: secure ? https : http,
      });
      let settled = false;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        reject(err);
      };
      const onAbort = () => {
        fail(abortError(signal!));
        req.destroy();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (err) => fail(new TypeError("fetch failed", { cause: err })));
      req.on("response", (res) => {
        const tooLargeNow = () => {
          fail(new ResponseTooLargeError(maxBody, false));
          res.destroy();
          req.destroy();
        };
        const chunks: Buffer[] = [];
        const stream = decoded(res);
        const declared = Number(res.headers["content-length"]);
        if (declared > maxBody) return tooLargeNow();
        let received = 0;
        let kept = 0;
        const tooLarge = (compressed: boolean) => {
          fail(new ResponseTooLargeError(maxBody, compressed));
          stream.destroy();
          res.destroy();
          req.destroy();
        };
        if (stream !== res)
          res.on("data", (c: Buffer) => {
            received += c.length;
            if (received > maxBody && !settled) tooLarge(false);
          });
        stream.on("data", (c: Buffer) => {
          if (settled) return;
          kept += c.length;
          if (kept > maxBody) return tooLarge(stream !== res);
          chunks.push(c);
        });
        stream.on("error", (err) => fail(new TypeError("fetch failed", { cause: err })));
        // A socket closed mid-body ends the response early: that is a network error, not an answer.
        res.on("close", () => {
          if (!res.complete)
            fail(
              new TypeError("fetch failed", {
                cause: Object.assign(new Error("the server closed the connection mid-response"), {
                  code: "ECONNRESET",
                }),
              }),
            );
        });
        stream.on("end", () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          const status = res.statusCode ?? 0;
          const nullBody = status === 204 || status === 205 || status === 304 || init?.method === "HEAD";
          resolve(
            new Response(nullBody ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? "",
              headers: responseHeaders(res),
            }),
          );
        });
      });
      req.end(body ?? undefined);
    });
  };
}
