/**
 * A local OpenAI-compatible server for tests: the real `openai` client talks to it over HTTP on
 * 127.0.0.1 (port 0, so parallel test files never collide). Each test scripts the answers,
 * including the faults a real provider produces:
 *   { json: {...} }                       a chat completion whose content is that JSON
 *   { content: "..." }                    raw content (malformed JSON, prose, …)
 *   { status: 429, retryAfter: 0.01 }     an error status, Retry-After in seconds (body optional)
 *   { status: 429, retryAfterMs: 5 }      the same through the `retry-after-ms` header
 *   { delayMs: 50, reply }                answer late
 *   { finishReason: "length", content }   a truncated answer
 *   { refusal: "I can't help" }           a refusal (content null)
 *   { hang: true }                        never answer (for timeouts)
 *   { destroy: true }                     drop the connection without a response
 *   { partial: true }                     send the headers and half a body, then drop the connection
 * Every chat request is recorded in `requests` (body, index, headers) before the script runs.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Reply =
  | { json: unknown }
  | { content: string | null }
  | { status: number; retryAfter?: number; retryAfterMs?: number; body?: unknown }
  | { delayMs: number; reply: Reply }
  | { finishReason: "length" | "stop" | "content_filter"; content: string | null }
  | { refusal: string }
  | { hang: true }
  | { destroy: true }
  | { partial: true };

export interface RecordedRequest {
  readonly body: any;
  readonly index: number;
  readonly headers: IncomingHttpHeaders;
}

export type Script = (req: RecordedRequest) => Reply | Promise<Reply>;

/** Earlier names of the same shapes, kept for the tests that use them. */
export type FakeRequest = RecordedRequest;
export type FakeServer = FakeOpenAI;

export interface FakeOpenAIOptions {
  /** The model name the server reports, whatever the request asked for. */
  readonly model?: string;
  /** When set, requests without `Authorization: Bearer <apiKey>` get OpenAI's 401. */
  readonly apiKey?: string;
  readonly systemFingerprint?: string;
  /** Keep each request in `requests` (default true); benchmarks of 200,000 calls turn it off. */
  readonly keepRequests?: boolean;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Requests received, kept or not. */
  readonly received: number;
  close(): Promise<void>;
}

/** Always answers `{ json }` with the same object: the common case in tests. */
export const always =
  (json: unknown): Script =>
  () => ({ json });

/** Plays the replies in order, repeating the last one for any further requests. */
export function sequence(...replies: Reply[]): Script {
  if (replies.length === 0) throw new Error("sequence() needs at least one reply");
  return ({ index }) => replies[Math.min(index, replies.length - 1)]!;
}

const tokens = (text: string): number => Math.ceil(text.length / 4);

function promptText(body: any): string {
  const messages: unknown = body?.messages;
  if (!Array.isArray(messages)) return "";
  return messages
    .map((m) => (typeof m?.content === "string" ? m.content : JSON.stringify(m?.content ?? "")))
    .join("\n");
}

let ids = 0;

function completion(
  model: string,
  fingerprint: string,
  body: any,
  content: string | null,
  finish: string,
  refusal: string | null,
) {
  const prompt = tokens(promptText(body));
  const completionTokens = tokens(content ?? refusal ?? "");
  return {
    id: `chatcmpl-fake${++ids}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: fingerprint,
    choices: [{ index: 0, message: { role: "assistant", content, refusal }, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens },
  };
}

function errorBody(status: number): unknown {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message: `scripted ${status}`, type, param: null, code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAI(script: Script, opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const model = opts.model ?? "fake-judge-1";
  const fingerprint = opts.systemFingerprint ?? "fp_fake_1";
  const requests: RecordedRequest[] = [];
  let received = 0;

  const send = async (res: ServerResponse, body: any, reply: Reply): Promise<void> => {
    if ("delayMs" in reply) {
      await new Promise((r) => setTimeout(r, reply.delayMs));
      return send(res, body, reply.reply);
    }
    // A hanging response is left open; close() destroys every socket, so nothing leaks.
    if ("hang" in reply) return;
    if ("destroy" in reply) {
      res.socket?.destroy();
      return;
    }
    if ("partial" in reply) {
      const text = JSON.stringify(completion(model, fingerprint, body, '{"cut":"short"}', "stop", null));
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
      res.write(text.slice(0, text.length >> 1), () => res.socket?.destroy());
      return;
    }
    if ("status" in reply) {
      const headers: Record<string, string> = {};
      if (reply.retryAfter !== undefined) headers["retry-after"] = String(reply.retryAfter);
      if (reply.retryAfterMs !== undefined) headers["retry-after-ms"] = String(reply.retryAfterMs);
      return sendJson(res, reply.status, reply.body ?? errorBody(reply.status), headers);
    }
    let out: ReturnType<typeof completion>;
    // A forced function call (`--format tools`) is answered the way servers do: the JSON as the call's arguments.
    const tool: unknown = body?.tool_choice?.function?.name;
    if ("json" in reply && typeof tool === "string") {
      out = completion(model, fingerprint, body, null, "tool_calls", null);
      out.choices[0]!.message = {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [
          { id: `call_fake${ids}`, type: "function", function: { name: tool, arguments: JSON.stringify(reply.json) } },
        ],
      } as never;
    } else if ("json" in reply) out = completion(model, fingerprint, body, JSON.stringify(reply.json), "stop", null);
    else if ("refusal" in reply) out = completion(model, fingerprint, body, null, "stop", reply.refusal);
    else if ("finishReason" in reply)
      out = completion(model, fingerprint, body, reply.content, reply.finishReason, null);
    else out = completion(model, fingerprint, body, reply.content, "stop", null);
    sendJson(res, 200, out);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
          return sendJson(res, 401, {
            error: {
              message:
                "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
              type: "invalid_request_error",
              param: null,
              code: "invalid_api_key",
            },
          });
        }
        const path = (req.url ?? "").split("?")[0];
        if (req.method === "GET" && path === "/v1/models") {
          return sendJson(res, 200, {
            object: "list",
            data: [{ id: model, object: "model", created: 0, owned_by: "fake" }],
          });
        }
        if (req.method !== "POST" || path !== "/v1/chat/completions") {
          return sendJson(res, 404, {
            error: {
              message: `unknown url ${req.method} ${req.url}`,
              type: "invalid_request_error",
              param: null,
              code: "unknown_url",
            },
          });
        }
        let body: any;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          return sendJson(res, 400, {
            error: { message: "request body is not JSON", type: "invalid_request_error", param: null, code: null },
          });
        }
        const recorded: RecordedRequest = { body, index: received++, headers: req.headers };
        if (opts.keepRequests !== false) requests.push(recorded);
        try {
          await send(res, body, await script(recorded));
        } catch (err) {
          sendJson(res, 500, {
            error: {
              message: `fake server script threw: ${(err as Error).message}`,
              type: "server_error",
              param: null,
              code: null,
            },
          });
        }
      })();
    });
  });
  // Longer than any client's idle timeout, so the client never reuses a socket the server just closed.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get received() {
      return received;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
