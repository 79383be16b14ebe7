/**
 * Local servers that speak Anthropic's Messages API and Gemini's generateContent as their API
 * references document them (examples in tests/fixtures/providers/), so the official SDKs can be
 * pointed at 127.0.0.1. Scripts answer like fake-openai.ts's:
 *   { json }               the answer (a text block / part, or the forced tool call's input)
 *   { content }            raw text
 *   { cutOff: content }    the token limit was hit
 *   { refusal }            the model declined (Anthropic stop_reason refusal; Gemini SAFETY)
 *   { status, body? }      an error status with the provider's error envelope
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ProviderReply =
  | { json: unknown }
  | { content: string }
  | { cutOff: string }
  | { refusal: string }
  | { status: number; body?: unknown };

export interface ProviderRequest {
  readonly path: string;
  readonly body: any;
  readonly headers: IncomingHttpHeaders;
  readonly index: number;
}

export type ProviderScript = (req: ProviderRequest) => ProviderReply;

export interface FakeProvider {
  readonly baseURL: string;
  readonly requests: ProviderRequest[];
  close(): Promise<void>;
}

const tokens = (text: string): number => Math.ceil(text.length / 4);

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A server on 127.0.0.1:0 whose handler sees every request; closes every socket on close(). */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, raw: Buffer) => unknown,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void readBody(req).then(async (raw) => {
      try {
        await handler(req, res, raw);
      } catch (err) {
        if (!res.headersSent) sendJson(res, 500, { error: { message: (err as Error).message } });
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

let ids = 0;

/** One Messages API answer for a request body (also used inside batch results). */
export function anthropicMessage(body: any, reply: Exclude<ProviderReply, { status: number }>, model?: string) {
  const prompt = tokens(JSON.stringify(body.system ?? "") + JSON.stringify(body.messages ?? []));
  const toolName: unknown = body.tool_choice?.type === "tool" ? body.tool_choice.name : undefined;
  let content: unknown[];
  let stop = "end_turn";
  let text: string;
  if ("json" in reply && typeof toolName === "string") {
    text = JSON.stringify(reply.json);
    content = [{ type: "tool_use", id: `toolu_fake${++ids}`, name: toolName, input: reply.json }];
    stop = "tool_use";
  } else {
    text =
      "json" in reply
        ? JSON.stringify(reply.json)
        : "content" in reply
          ? reply.content
          : "cutOff" in reply
            ? reply.cutOff
            : reply.refusal;
    content = [{ type: "text", text }];
    if ("cutOff" in reply) stop = "max_tokens";
    if ("refusal" in reply) stop = "refusal";
  }
  if (body.thinking?.type === "enabled")
    content.unshift({ type: "thinking", thinking: "Weighing the criteria…", signature: "c2lnbmF0dXJl" });
  return {
    id: `msg_fake${++ids}`,
    type: "message",
    role: "assistant",
    model: model ?? `${body.model}-20990101`,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: {
      input_tokens: prompt,
      output_tokens: tokens(text),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

export function anthropicError(status: number, message = `scripted ${status}`) {
  const type =
    status === 401
      ? "authentication_error"
      : status === 429
        ? "rate_limit_error"
        : status === 529
          ? "overloaded_error"
          : status >= 500
            ? "api_error"
            : status === 404
              ? "not_found_error"
              : "invalid_request_error";
  return { type: "error", error: { type, message } };
}

export async function startFakeAnthropic(script: ProviderScript, opts: { model?: string } = {}): Promise<FakeProvider> {
  const requests: ProviderRequest[] = [];
  const s = await listen((req, res, raw) => {
    const path = (req.url ?? "").split("?")[0]!;
    if (req.method !== "POST" || path !== "/v1/messages")
      return sendJson(res, 404, anthropicError(404, `unknown url ${req.method} ${path}`));
    // x-api-key, or (as @anthropic-ai/sdk 1.x sends it) Authorization: Bearer.
    if (!req.headers["x-api-key"] && !/^Bearer \S/.test(req.headers.authorization ?? ""))
      return sendJson(res, 401, anthropicError(401, "x-api-key header is required"));
    const body = JSON.parse(raw.toString("utf8"));
    // The API's own check: max_tokens is required.
    if (typeof body.max_tokens !== "number")
      return sendJson(res, 400, anthropicError(400, "max_tokens: Field required"));
    const r: ProviderRequest = { path, body, headers: req.headers, index: requests.length };
    requests.push(r);
    const reply = script(r);
    if ("status" in reply) return sendJson(res, reply.status, reply.body ?? anthropicError(reply.status));
    sendJson(res, 200, anthropicMessage(body, reply, opts.model));
  });
  return { baseURL: s.url, requests, close: s.close };
}

export function geminiResponse(body: any, model: string, reply: Exclude<ProviderReply, { status: number }>) {
  const prompt = tokens(JSON.stringify(body.contents ?? []) + JSON.stringify(body.systemInstruction ?? ""));
  const forced: unknown = body.toolConfig?.functionCallingConfig?.allowedFunctionNames?.[0];
  const thinking = body.generationConfig?.thinkingConfig ? 17 : 0;
  if ("refusal" in reply)
    return {
      candidates: [{ content: { parts: [], role: "model" }, finishReason: "SAFETY", index: 0 }],
      usageMetadata: { promptTokenCount: prompt, totalTokenCount: prompt },
      modelVersion: model,
    };
  const text = "json" in reply ? JSON.stringify(reply.json) : "content" in reply ? reply.content : reply.cutOff;
  const parts: unknown[] =
    "json" in reply && typeof forced === "string" ? [{ functionCall: { name: forced, args: reply.json } }] : [{ text }];
  if (thinking) parts.unshift({ text: "Thinking about it.", thought: true });
  return {
    candidates: [
      { content: { parts, role: "model" }, finishReason: "cutOff" in reply ? "MAX_TOKENS" : "STOP", index: 0 },
    ],
    usageMetadata: {
      promptTokenCount: prompt,
      candidatesTokenCount: tokens(text),
      totalTokenCount: prompt + tokens(text) + thinking,
      ...(thinking ? { thoughtsTokenCount: thinking } : {}),
    },
    modelVersion: model,
    responseId: `fake${++ids}`,
  };
}

export function geminiError(status: number, message = `scripted ${status}`) {
  const s =
    status === 429
      ? "RESOURCE_EXHAUSTED"
      : status === 404
        ? "NOT_FOUND"
        : status >= 500
          ? "INTERNAL"
          : status === 401
            ? "UNAUTHENTICATED"
            : "INVALID_ARGUMENT";
  return { error: { code: status, message, status: s } };
}

export async function startFakeGemini(script: ProviderScript): Promise<FakeProvider> {
  const requests: ProviderRequest[] = [];
  const s = await listen((req, res, raw) => {
    const path = (req.url ?? "").split("?")[0]!;
    const m = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(path);
    if (req.method !== "POST" || !m) return sendJson(res, 404, geminiError(404, `unknown url ${req.method} ${path}`));
    if (!req.headers["x-goog-api-key"]) return sendJson(res, 401, geminiError(401, "API key not valid."));
    const body = JSON.parse(raw.toString("utf8"));
    const r: ProviderRequest = { path, body, headers: req.headers, index: requests.length };
    requests.push(r);
    const reply = script(r);
    if ("status" in reply) return sendJson(res, reply.status, reply.body ?? geminiError(reply.status));
    sendJson(res, 200, geminiResponse(body, decodeURIComponent(m[1]!), reply));
  });
  return { baseURL: s.url, requests, close: s.close };
}
