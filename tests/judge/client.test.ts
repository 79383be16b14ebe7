import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ChatRequest,
  type ClientOptions,
  complete,
  createJudgeClient,
  JudgeCallError,
  jsonObjectFormat,
  jsonSchemaFormat,
} from "../../src/judge/client.js";
import { keepAliveFetch } from "../../src/judge/keepalive-fetch.js";
import {
  type FakeOpenAI,
  type FakeOpenAIOptions,
  type Script,
  sequence,
  startFakeOpenAI,
} from "../helpers/fake-openai.js";

const schema = {
  type: "object",
  additionalProperties: false,
  required: ["verdict"],
  properties: { verdict: { enum: ["met", "unmet"] } },
};

const request: ChatRequest = {
  model: "gpt-judge",
  messages: [
    { role: "system", content: "You grade answers." },
    { role: "user", content: "Is 2 + 2 = 4 stated correctly?" },
  ],
  temperature: 0,
  seed: 7,
  response_format: jsonSchemaFormat("judgment", schema),
};

let server: FakeOpenAI | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(script: Script, opts: FakeOpenAIOptions = {}) {
  server = await startFakeOpenAI(script, opts);
  return server;
}

// Every behaviour must hold on the OpenAI adapter's direct path (no fetch given), on the SDK over
// the keep-alive fetch (what the other SDKs and a caller's own agents get) and on the built-in fetch.
const transports = [
  { transport: "keep-alive node:http", fetch: undefined },
  { transport: "SDK over keep-alive fetch", fetch: keepAliveFetch() },
  { transport: "built-in fetch", fetch: globalThis.fetch },
];
let transportFetch: typeof fetch | undefined;

function clientFor(s: FakeOpenAI | { baseURL: string }, opts: Partial<ClientOptions> = {}) {
  return createJudgeClient({
    baseURL: s.baseURL,
    apiKey: "sk-test",
    timeoutMs: 5000,
    maxRetries: 2,
    ...(transportFetch ? { fetch: transportFetch } : {}),
    ...opts,
  });
}

/** A port nothing listens on (fetch refuses to even try some, such as port 1). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function failure(p: Promise<unknown>): Promise<JudgeCallError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JudgeCallError);
  return err as JudgeCallError;
}

describe.each(transports)("complete over $transport", ({ fetch: f }) => {
  beforeEach(() => {
    transportFetch = f;
  });

  it("returns the answer with the model, fingerprint and usage the API reported", async () => {
    const s = await serve(() => ({ json: { verdict: "met" } }), { model: "fake-judge-1", systemFingerprint: "fp_abc" });
    const c = await complete(clientFor(s), request);
    expect(JSON.parse(c.content!)).toEqual({ verdict: "met" });
    expect(c).toMatchObject({
      refusal: null,
      finish_reason: "stop",
      model: "fake-judge-1",
      system_fingerprint: "fp_abc",
      attempts: 1,
    });
    expect(c.usage.prompt_tokens).toBeGreaterThan(0);
    expect(c.usage.completion_tokens).toBe(Math.ceil(JSON.stringify({ verdict: "met" }).length / 4));
    expect(c.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("sends the strict response format, seed and messages as given", async () => {
    const s = await serve(() => ({ json: { verdict: "met" } }));
    await complete(clientFor(s), { ...request, max_tokens: 300 });
    expect(s.requests).toHaveLength(1);
    const body = s.requests[0]!.body;
    expect(body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "judgment", schema, strict: true },
    });
    expect(body).toMatchObject({
      model: "gpt-judge",
      temperature: 0,
      seed: 7,
      max_tokens: 300,
      messages: request.messages,
    });
    expect(s.requests[0]!.headers.authorization).toBe("Bearer sk-test");
    // A whole body with its length, not chunked: some local servers reject chunked requests.
    expect(Number(s.requests[0]!.headers["content-length"])).toBe(Buffer.byteLength(JSON.stringify(body)));
    // The headers node:http would have added itself: host with its (non-default) port, keep-alive.
    const headers = s.requests[0]!.headers;
    expect(headers.host).toBe(new URL(s.baseURL).host);
    expect(headers.host).toMatch(/:\d+$/);
    expect(headers.connection).toBe("keep-alive");
    expect(headers["transfer-encoding"]).toBeUndefined();
    expect(headers["x-stainless-retry-count"]).toBe("0");
  });

  it("omits seed and max_tokens when not set, and can ask for plain JSON mode", async () => {
    const s = await serve(() => ({ content: "{}" }));
    const { seed: _seed, ...rest } = request;
    await complete(clientFor(s), { ...rest, response_format: jsonObjectFormat() });
    const body = s.requests[0]!.body;
    expect(body.response_format).toEqual({ type: "json_object" });
    expect("seed" in body).toBe(false);
    expect("max_tokens" in body).toBe(false);
  });

  it("retries a 429 after its retry-after and counts both attempts", async () => {
    const s = await serve(sequence({ status: 429, retryAfter: 0.05 }, { json: { verdict: "unmet" } }));
    const c = await complete(clientFor(s), request);
    expect(c.attempts).toBe(2);
    expect(JSON.parse(c.content!)).toEqual({ verdict: "unmet" });
    expect(s.requests).toHaveLength(2);
    // The SDK tells the server which retry this is.
    expect(s.requests[1]!.headers["x-stainless-retry-count"]).toBe("1");
  });

  it("honours retry-after-ms as well", async () => {
    const s = await serve(
      sequence({ status: 429, retryAfterMs: 10 }, { status: 429, retryAfterMs: 10 }, { json: { verdict: "met" } }),
    );
    const c = await complete(clientFor(s), request);
    expect(c.attempts).toBe(3);
  });

  it("retries a 500 then succeeds", async () => {
    const s = await serve(sequence({ status: 500, retryAfter: 0 }, { json: { verdict: "met" } }));
    const c = await complete(clientFor(s), request);
    expect(c.attempts).toBe(2);
    expect(s.requests).toHaveLength(2);
  });

  it("gives up on a persistent 503 after maxRetries + 1 attempts with a server error", async () => {
    const s = await serve(() => ({ status: 503, retryAfterMs: 1 }));
    const err = await failure(complete(clientFor(s, { maxRetries: 3 }), request));
    expect(err).toMatchObject({ kind: "server", status: 503, retryable: true, attempts: 4 });
    expect(err.message).toContain("503");
    expect(err.message).toContain("after 4 attempts");
    expect(s.requests).toHaveLength(4);
  });

  it("counts attempts per call when calls run concurrently", async () => {
    // Even requests fail once; odd ones succeed at once.
    const failedOnce = new Set<string>();
    const s = await serve(({ body }) => {
      const id = body.messages[1].content as string;
      const n = Number(id.split(" ")[1]);
      if (n % 2 === 0 && !failedOnce.has(id)) {
        failedOnce.add(id);
        return { status: 500, retryAfterMs: 20 };
      }
      return { delayMs: 5, reply: { json: { verdict: "met" } } };
    });
    const client = clientFor(s);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        complete(client, { ...request, messages: [request.messages[0]!, { role: "user", content: `item ${i}` }] }),
      ),
    );
    expect(results.map((r) => r.attempts)).toEqual([2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
  });

  it("times out a server that never answers, with a timeout error", async () => {
    const s = await serve(() => ({ hang: true }));
    const started = performance.now();
    const err = await failure(complete(clientFor(s, { timeoutMs: 200, maxRetries: 0 }), request));
    expect(err).toMatchObject({ kind: "timeout", retryable: true, attempts: 1 });
    expect(err.message).toMatch(/did not answer in time.*--timeout-s/);
    // It waited for the timeout, not for the server.
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("retries timeouts too: every attempt is counted", async () => {
    const s = await serve(sequence({ hang: true }, { json: { verdict: "met" } }));
    const c = await complete(clientFor(s, { timeoutMs: 200, maxRetries: 1 }), request);
    expect(c.attempts).toBe(2);
  });

  it("reports a refused connection as a connection error naming the URL", async () => {
    const baseURL = `http://127.0.0.1:${await closedPort()}/v1`;
    const client = clientFor({ baseURL }, { maxRetries: 0 });
    const err = await failure(complete(client, request));
    expect(err.kind).toBe("connection");
    expect(err.fatal).toBe(true);
    expect(err.message).toBe(
      `cannot reach ${baseURL} (connection refused); check --base-url and that the server is running`,
    );
  });

  it("reports a dropped connection as a connection error once retries run out", async () => {
    const s = await serve(() => ({ destroy: true }));
    const err = await failure(complete(clientFor(s, { maxRetries: 1 }), request));
    expect(err).toMatchObject({ kind: "connection", attempts: 2 });
    expect(s.requests).toHaveLength(2);
  });

  it("never takes half an answer for an answer", async () => {
    const s = await serve(() => ({ partial: true }));
    const err = await failure(complete(clientFor(s, { maxRetries: 0 }), request));
    expect(err.kind).toBe("connection");
  });

  it("reports a wrong key as an auth error without retrying", async () => {
    const s = await serve(() => ({ json: {} }), { apiKey: "sk-right" });
    const err = await failure(complete(clientFor(s, { apiKey: "sk-wrong" }), request));
    expect(err).toMatchObject({ kind: "auth", status: 401, retryable: false, fatal: true, attempts: 1 });
    expect(err.message).toBe("the API key was rejected (401); set OPENAI_API_KEY or --api-key-env");
  });

  it("reads the key from OPENAI_API_KEY when none is passed", async () => {
    const s = await serve(() => ({ json: { verdict: "met" } }), { apiKey: "sk-from-env" });
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-from-env";
    try {
      const c = await complete(
        createJudgeClient({ baseURL: s.baseURL, timeoutMs: 5000, maxRetries: 0, ...(f ? { fetch: f } : {}) }),
        request,
      );
      expect(c.attempts).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it("maps 400, 404 and quota errors to their kinds", async () => {
    const s = await serve(
      sequence(
        {
          status: 400,
          body: {
            error: {
              message: "response_format json_schema is not supported",
              type: "invalid_request_error",
              param: null,
              code: null,
            },
          },
        },
        {
          status: 404,
          body: {
            error: {
              message: "The model `gpt-nope` does not exist",
              type: "invalid_request_error",
              param: null,
              code: "model_not_found",
            },
          },
        },
        {
          status: 429,
          body: {
            error: {
              message: "You exceeded your current quota",
              type: "insufficient_quota",
              param: null,
              code: "insufficient_quota",
            },
          },
        },
      ),
    );
    const client = clientFor(s, { maxRetries: 0 });
    const bad = await failure(complete(client, request));
    expect(bad).toMatchObject({ kind: "bad_request", status: 400, retryable: false, fatal: false });
    expect(bad.message).toContain("response_format json_schema is not supported");
    const missing = await failure(complete(client, request));
    expect(missing).toMatchObject({ kind: "not_found", status: 404, fatal: true });
    expect(missing.message).toMatch(/does not exist.*--model/);
    const quota = await failure(complete(client, request));
    expect(quota).toMatchObject({ kind: "rate_limit", status: 429, retryable: false, fatal: true });
  });

  it("passes refusals and truncated answers through for the caller to judge", async () => {
    const s = await serve(
      sequence({ refusal: "I can't help with that" }, { finishReason: "length", content: '{"verdict": "me' }),
    );
    const client = clientFor(s);
    const refused = await complete(client, request);
    expect(refused).toMatchObject({ content: null, refusal: "I can't help with that", finish_reason: "stop" });
    const cut = await complete(client, request);
    expect(cut).toMatchObject({ content: '{"verdict": "me', refusal: null, finish_reason: "length" });
  });

  it("answers a slow server within the timeout", async () => {
    const s = await serve(() => ({ delayMs: 100, reply: { json: { verdict: "met" } } }));
    const c = await complete(clientFor(s, { timeoutMs: 2000 }), request);
    expect(c.attempts).toBe(1);
    expect(c.latency_ms).toBeGreaterThanOrEqual(90);
  });

  it("stops at once when the caller's signal aborts", async () => {
    const s = await serve(() => ({ hang: true }));
    const controller = new AbortController();
    const pending = complete(clientFor(s, { timeoutMs: 60_000 }), request, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const err = await failure(pending);
    expect(err).toMatchObject({ kind: "aborted", retryable: false });
  });

  it("never has more than maxInFlight calls at the server", async () => {
    let inFlight = 0;
    let peak = 0;
    const s = await serve(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return { json: { verdict: "met" } };
    });
    const client = clientFor(s, { maxInFlight: 3 });
    await Promise.all(Array.from({ length: 20 }, () => complete(client, request)));
    expect(s.requests).toHaveLength(20);
    expect(peak).toBe(3);
  });

  it("rejects a 200 that is not a chat completion with a server error", async () => {
    const s = await serve(() => ({ status: 200, body: { hello: "world" } }));
    const err = await failure(complete(clientFor(s), request));
    expect(err).toMatchObject({ kind: "server", retryable: false });
    expect(err.message).toContain("no choices");
  });
});

describe("the keep-alive transport", () => {
  beforeEach(() => {
    transportFetch = undefined;
  });

  it("retries an answer cut off mid-body, which the built-in fetch only sees after the SDK's retries", async () => {
    const s = await serve(sequence({ partial: true }, { json: { verdict: "met" } }));
    const c = await complete(clientFor(s, { maxRetries: 1 }), request);
    expect(c.attempts).toBe(2);
    expect(JSON.parse(c.content!)).toEqual({ verdict: "met" });
  });
});

describe("the fake server", () => {
  it("lists its model and answers unknown paths with 404", async () => {
    const s = await serve(() => ({ json: {} }), { model: "fake-judge-9" });
    const models = (await fetch(`${s.baseURL}/models`).then((r) => r.json())) as { data: { id: string }[] };
    expect(models.data[0]?.id).toBe("fake-judge-9");
    expect((await fetch(`${s.baseURL}/embeddings`, { method: "POST", body: "{}" })).status).toBe(404);
    expect(s.requests).toHaveLength(0);
  });
});
