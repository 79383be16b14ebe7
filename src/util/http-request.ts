/**
 * One HTTP request over keep-alive node:http(s) agents, answer buffered: what both the judge's
 * `fetch` for SDKs (judge/keepalive-fetch.ts) and the OpenAI adapter's direct path
 * (provider/openai-http.ts) send through. Judge calls are small JSON requests with small JSON
 * answers, hundreds per second; WHATWG streams, signals and Response objects cost more client
 * CPU per call than the request itself, so none are made here.
 *
 * Answers are bounded: a judge's answer is kilobytes, so a body past `maxBodyBytes` as sent or
 * as decompressed (a gzip bomb) stops the read, closes the socket and rejects with
 * `ResponseTooLargeError` instead of filling memory. Network failures reject with a `TypeError`
 * whose `cause` carries the system error code, as fetch does; an abort rejects with the
 * signal's reason (an `AbortError`).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { Readable } from "node:stream";
import { httpsModule, zlibModule } from "./packages.js";

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

export interface Agents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  readonly maxBodyBytes: number;
}

class KeepAliveAgents implements Agents {
  readonly http: HttpAgent;
  #https: HttpsAgent | undefined;
  constructor(
    private readonly maxSockets: number,
    readonly maxBodyBytes: number,
  ) {
    this.http = new HttpAgent({ keepAlive: true, maxSockets, scheduling: "lifo" });
  }
  get https(): HttpsAgent {
    this.#https ??= new (httpsModule().Agent)({ keepAlive: true, maxSockets: this.maxSockets, scheduling: "lifo" });
    return this.#https;
  }
}

/** Keep-alive agents; `maxSockets` is the judge's concurrency, so a call never waits for a socket. */
export function keepAliveAgents(opts: { maxSockets?: number; maxBodyBytes?: number } = {}): Agents {
  return new KeepAliveAgents(opts.maxSockets ?? Infinity, opts.maxBodyBytes ?? MAX_BODY_BYTES);
}

/** Where a request goes, parsed once: a judge sends thousands of requests to one URL. */
export interface Target {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
}

export function targetOf(url: URL): Target {
  return {
    secure: url.protocol === "https:",
    // node:http wants an IPv6 literal without its brackets.
    hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port,
    path: url.pathname + url.search,
  };
}

/** The request took longer than its `timeoutMs` (headers and body together). */
export class RequestTimeoutError extends Error {
  override readonly name = "RequestTimeoutError";
  constructor(readonly ms: number) {
    super(`no complete answer within ${ms} ms`);
  }
}

export interface RawRequest {
  readonly method: string;
  /**
   * Lower-case names; `accept-encoding` and `host` are added. Or, sent as they are (node:http
   * still checks each name and value), name, value, name, value…, holding `host`,
   * `content-length` and `accept-encoding` themselves: a caller that sends thousands of requests
   * with the same headers skips building node's header map for each.
   */
  readonly headers: Record<string, string> | readonly string[];
  /** Pieces are written one after another, unjoined (the headers must then give content-length). */
  readonly body?: string | Uint8Array | readonly (string | Uint8Array)[] | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Gives up (RequestTimeoutError) when the whole answer has not arrived by then. */
  readonly timeoutMs?: number | undefined;
}

export interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  /** As received: name, value, name, value… */
  readonly rawHeaders: readonly string[];
  /** Decoded (gzip, deflate, br undone). */
  readonly body: Buffer;
}

export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

function decoded(res: IncomingMessage): Readable {
  switch ((res.headers["content-encoding"] ?? "").toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return res.pipe(zlibModule().createGunzip());
    case "deflate":
      return res.pipe(zlibModule().createInflate());
    case "br":
      return res.pipe(zlibModule().createBrotliDecompress());
    default:
      return res;
  }
}

function isList(h: RawRequest["headers"]): h is readonly string[] {
  return Array.isArray(h);
}

export function sendRequest(agents: Agents, to: URL | Target, r: RawRequest): Promise<RawResponse> {
  const maxBody = agents.maxBodyBytes;
  const signal = r.signal;
  const target = to instanceof URL ? targetOf(to) : to;
  return new Promise<RawResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const headers = r.headers;
    if (!isList(headers) && headers["accept-encoding"] === undefined) headers["accept-encoding"] = "gzip, deflate, br";
    const req = (target.secure ? httpsModule().request : httpRequest)({
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: r.method,
      headers,
      agent: target.secure ? agents.https : agents.http,
    });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      reject(err);
    };
    const onAbort = () => {
      fail(abortError(signal!));
      req.destroy();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (r.timeoutMs !== undefined)
      timer = setTimeout(() => {
        fail(new RequestTimeoutError(r.timeoutMs!));
        req.destroy();
      }, r.timeoutMs);
    req.on("error", (err) => fail(new TypeError("fetch failed", { cause: err })));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      const stream = decoded(res);
      const declared = Number(res.headers["content-length"]);
      if (declared > maxBody) {
        fail(new ResponseTooLargeError(maxBody, false));
        res.destroy();
        req.destroy();
        return;
      }
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
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? "",
          rawHeaders: res.rawHeaders,
          body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
        });
      });
    });
    const body = r.body;
    if (Array.isArray(body)) {
      // Queued until the socket is assigned, then written together in one writev.
      for (const piece of body as readonly (string | Uint8Array)[]) req.write(piece);
      req.end();
    } else req.end((body as string | Uint8Array | undefined) ?? undefined);
  });
}
