import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { complete, createJudgeClient, JudgeCallError, jsonSchemaFormat } from "../../src/judge/client.js";
import { requestBody } from "../../src/provider/openai-http.js";
import { type FakeOpenAI, sequence, startFakeOpenAI } from "../helpers/fake-openai.js";

const format = jsonSchemaFormat("judgment", {
  type: "object",
  additionalProperties: false,
  properties: { verdict: { enum: ["met", "unmet"] } },
  required: ["verdict"],
});
const request = {
  model: "m",
  messages: [
    { role: "system" as const, content: "You grade." },
    { role: "user" as const, content: "Grade this." },
  ],
  temperature: 0,
  response_format: format,
};

let server: FakeOpenAI | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const requestJson = (body: unknown) => {
  const { pieces, bytes } = requestBody(body);
  const all = Buffer.concat(pieces.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
  expect(all.length).toBe(bytes);
  return all.toString("utf8");
};

describe("the request body", () => {
  it("is JSON.stringify of the body, byte for byte, with shared parts encoded once", () => {
    const system = { role: "system", content: "You grade \u201cessays\u201d.\n</s>" };
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.boolean(), (extra, user, swapKeys) => {
        const messages = [
          swapKeys ? { content: system.content, role: "system" } : system,
          { role: "user", content: user },
          { role: "system", content: system.content, name: "x" },
        ];
        const body = { model: "m", messages, extra, skipped: undefined, response_format: format, n: 1 };
        expect(requestJson(body)).toBe(JSON.stringify(body));
        // The second time the cached encodings are used; the bytes must not change.
        expect(requestJson(body)).toBe(JSON.stringify(body));
      }),
    );
    for (const odd of [null, [1, 2], "text", 3]) expect(requestJson(odd)).toBe(JSON.stringify(odd));
  });
});

describe("the direct OpenAI path", () => {
  const client = (s: FakeOpenAI, maxRetries = 2) =>
    createJudgeClient({ baseURL: s.baseURL, apiKey: "sk-test", timeoutMs: 5_000, maxRetries });

  it("fails at once, saying why, when the server asks to wait longer than rulers waits", async () => {
    server = await startFakeOpenAI(sequence({ status: 429, retryAfter: 3600 }, { json: { verdict: "met" } }));
    const err = await complete(client(server), request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JudgeCallError);
    expect((err as JudgeCallError).message).toMatch(/asked to wait 3600 s/);
    expect((err as JudgeCallError).attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it("sends the key, organization and project the SDK would, and the retry count", async () => {
    const saved = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID };
    process.env.OPENAI_ORG_ID = "org-1";
    process.env.OPENAI_PROJECT_ID = "proj-1";
    try {
      server = await startFakeOpenAI(sequence({ status: 500 }, { json: { verdict: "met" } }));
      const c = await complete(client(server), request);
      expect(c.attempts).toBe(2);
      const h = server.requests.map((r) => r.headers);
      expect(h[0]!.authorization).toBe("Bearer sk-test");
      expect(h[0]!["openai-organization"]).toBe("org-1");
      expect(h[0]!["openai-project"]).toBe("proj-1");
      expect(h.map((x) => x["x-stainless-retry-count"])).toEqual(["0", "1"]);
    } finally {
      for (const [k, v] of [
        ["OPENAI_ORG_ID", saved.org],
        ["OPENAI_PROJECT_ID", saved.project],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it("retries a 503 until its retries run out and reports the server's own message", async () => {
    server = await startFakeOpenAI(sequence({ status: 503, body: { error: { message: "down" } } }));
    const err = (await complete(client(server, 1), request).catch((e: unknown) => e)) as JudgeCallError;
    expect(err.attempts).toBe(2);
    expect(err.message).toMatch(/down/);
  });
});
