/**
 * A local OpenAI-compatible server for tests: the real `openai` client talks to it over HTTP on
 * 127.0.0.1. Each test scripts the answers, including faults:
 *   { json: {...} }                    a chat completion whose content is that JSON
 *   { content: "..." }                 raw content (malformed JSON, prose, …)
 *   { status: 429, retryAfter: 0.01 }  an error status, with Retry-After in seconds
 *   { delayMs: 50, then: reply }       answer late
 *   { finishReason: "length", content } a truncated answer
 *   { refusal: "I can't help" }        a refusal (content null)
 *   { hang: true }                     never answer (for timeouts)
 *   { destroy: true }                  drop the connection
 * Every request body is recorded in `requests`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Reply =
  | { json: unknown }
  | { content: string | null }
  | { status: number; retryAfter?: number; body?: unknown }
  | { delayMs: number; then: Reply }
  | { finishReason: "length" | "stop" | "content_filter"; content: string }
  | { refusal: string }
  | { hang: true }
  | { destroy: true };

export interface FakeRequest {
  readonly body: any;
  readonly index: number;
  readonly headers: IncomingMessage["headers"];
}

export type Script = (req: FakeRequest) => Reply | Promise<Reply>;

export interface FakeServer {
  readonly baseURL: string;
  readonly requests: FakeRequest[];
  close(): Promise<void>;
}

function completion(model: string, content: string | null, finish: string, refusal: string | null = null) {
  const text = content ?? "";
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: "fp_fake_1",
    choices: [{ index: 0, message: { role: "assistant", content, refusal }, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: 100, completion_tokens: Math.ceil(text.length / 4), total_tokens: 100 + Math.ceil(text.length / 4) },
  };
}

export async function startFakeOpenAI(script: Script, opts: { model?: string; apiKey?: string } = {}): Promise<FakeServer> {
  const model = opts.model ?? "fake-judge-1";
  const requests: FakeRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const send = async (res: ServerResponse, reply: Reply): Promise<void> => {
    if ("delayMs" in reply) {
      await new Promise((r) => setTimeout(r, reply.delayMs));
      return send(res, reply.then);
    }
    if ("hang" in reply) {
      hanging.add(res);
      return;
    }
    if ("destroy" in reply) {
      res.socket?.destroy();
      return;
    }
    if ("status" in reply) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (reply.retryAfter !== undefined) headers["retry-after"] = String(reply.retryAfter);
      res.writeHead(reply.status, headers);
      res.end(JSON.stringify(reply.body ?? { error: { message: `scripted ${reply.status}`, type: "server_error", code: null } }));
      return;
    }
    let body;
    if ("json" in reply) body = completion(model, JSON.stringify(reply.json), "stop");
    else if ("refusal" in reply) body = completion(model, null, "stop", reply.refusal);
    else if ("finishReason" in reply) body = completion(model, reply.content, reply.finishReason);
    else body = completion(model, reply.content, "stop");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      void (async () => {
        if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
          res.writeHead(401, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } }));
          return;
        }
        if (req.method === "GET" && req.url?.endsWith("/models")) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ object: "list", data: [{ id: model, object: "model" }] }));
          return;
        }
        if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "not found" } }));
          return;
        }
        const r: FakeRequest = { body: JSON.parse(data), index: requests.length, headers: req.headers };
        requests.push(r);
        try {
          await send(res, await script(r));
        } catch (err) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: `script threw: ${(err as Error).message}` } }));
        }
      })();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
