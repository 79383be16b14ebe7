import { afterEach, describe, expect, it } from "vitest";
import { type ChatRequest, complete, createJudgeClient, jsonSchemaFormat } from "../../src/judge/client.js";
import { capabilityTable } from "../../src/provider/index.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import {
  type FakeProvider,
  type ProviderReply,
  type ProviderScript,
  startFakeAnthropic,
  startFakeGemini,
} from "../helpers/fake-providers.js";

const schema = {
  type: "object",
  additionalProperties: false,
  required: ["criteria"],
  properties: {
    criteria: {
      type: "array",
      minItems: 2,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "level"],
        properties: { id: { type: "string", enum: ["a", "b"] }, level: { type: "integer", enum: [0, 1, 2] } },
      },
    },
  },
};
const answer = {
  criteria: [
    { id: "a", level: 2 },
    { id: "b", level: 0 },
  ],
};

const request = (model: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: [
    { role: "system", content: "You grade answers." },
    { role: "user", content: "Grade: 4." },
  ],
  temperature: 0,
  seed: 7,
  max_tokens: 300,
  response_format: jsonSchemaFormat("judgment", schema),
  ...extra,
});

let server: FakeProvider | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const reply =
  (r: ProviderReply): ProviderScript =>
  () =>
    r;

describe("Anthropic through @anthropic-ai/sdk", () => {
  const client = (s: FakeProvider, format: "json_schema" | "tools" | "json" = "json_schema") =>
    createJudgeClient({
      provider: "anthropic",
      baseURL: s.baseURL,
      apiKey: "k",
      timeoutMs: 5000,
      maxRetries: 0,
      format,
    });

  it("sends the schema as native structured output (system apart, bounds it cannot enforce dropped) and reads the answer", async () => {
    server = await startFakeAnthropic(reply({ json: answer }));
    const c = await complete(client(server), request("claude-sonnet-4-5"));
    expect(JSON.parse(c.content!)).toEqual(answer);
    expect(c).toMatchObject({ finish_reason: "stop", model: "claude-sonnet-4-5-20990101", attempts: 1 });
    expect(c.usage.prompt_tokens).toBeGreaterThan(0);
    const body = server.requests[0]!.body;
    expect(server.requests[0]!.headers.authorization).toBe("Bearer k");
    expect(body.system).toBe("You grade answers.");
    expect(body.messages).toEqual([{ role: "user", content: "Grade: 4." }]);
    expect(body).toMatchObject({ model: "claude-sonnet-4-5", max_tokens: 300, temperature: 0 });
    expect(body.seed).toBeUndefined();
    const sent = body.output_config.format;
    expect(sent.type).toBe("json_schema");
    // minItems 2 is beyond what Anthropic enforces: dropped from the wire, still checked by ajv.
    expect(sent.schema.properties.criteria.minItems).toBeUndefined();
    expect(sent.schema.properties.criteria.items.properties.level.enum).toEqual([0, 1, 2]);
  });

  it("forces a tool call in tools mode and takes its input as the answer", async () => {
    server = await startFakeAnthropic(reply({ json: answer }));
    const c = await complete(client(server, "tools"), request("claude-haiku-4-5"));
    expect(JSON.parse(c.content!)).toEqual(answer);
    const body = server.requests[0]!.body;
    expect(body.tool_choice).toEqual({ type: "tool", name: "judgment" });
    expect(body.tools[0].input_schema.required).toEqual(["criteria"]);
    expect(body.output_config).toBeUndefined();
  });

  it("thinks with a budget on top of the answer's limit, sends no temperature, and skips the thinking block", async () => {
    server = await startFakeAnthropic(reply({ json: answer }));
    const c = await complete(
      client(server),
      request("claude-opus-4-5", { reasoning_budget: 2048, reasoning_effort: "high" }),
    );
    expect(JSON.parse(c.content!)).toEqual(answer);
    const body = server.requests[0]!.body;
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(body.max_tokens).toBe(2048 + 300);
    expect(body.temperature).toBeUndefined();
    expect(body.output_config.effort).toBe("high");
  });

  it("reports refusals, cut-off answers and a rejected key in words", async () => {
    server = await startFakeAnthropic(({ index }) =>
      index === 0 ? { refusal: "I will not grade this." } : { cutOff: '{"criteria":[' },
    );
    const refused = await complete(client(server), request("claude-sonnet-4-5"));
    expect(refused).toMatchObject({ content: null, refusal: "I will not grade this.", finish_reason: "refusal" });
    const cut = await complete(client(server), request("claude-sonnet-4-5"));
    expect(cut.finish_reason).toBe("length");
    await server.close();
    server = await startFakeAnthropic(reply({ status: 401 }));
    const err = await complete(client(server), request("claude-sonnet-4-5")).catch((e) => e);
    expect(err).toMatchObject({ kind: "auth", fatal: true });
    expect(err.message).toContain("ANTHROPIC_API_KEY");
  });

  it("names the setting a model rejected", async () => {
    server = await startFakeAnthropic(
      reply({
        status: 400,
        body: {
          type: "error",
          error: { type: "invalid_request_error", message: "temperature: not supported with this model" },
        },
      }),
    );
    const err = await complete(client(server), request("claude-sonnet-4-5")).catch((e) => e);
    expect(err.kind).toBe("bad_request");
    expect(err.message).toMatch(/does not accept `temperature`.*--capabilities/);
  });
});

describe("Gemini through @google/genai", () => {
  const client = (s: FakeProvider, format: "json_schema" | "tools" | "json" = "json_schema") =>
    createJudgeClient({ provider: "gemini", baseURL: s.baseURL, apiKey: "g", timeoutMs: 5000, maxRetries: 0, format });

  it("sends responseJsonSchema to Gemini 2.5 and counts thinking tokens as output", async () => {
    server = await startFakeGemini(reply({ json: answer }));
    const c = await complete(client(server), request("gemini-2.5-flash", { reasoning_budget: 512 }));
    expect(JSON.parse(c.content!)).toEqual(answer);
    const r = server.requests[0]!;
    expect(r.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(r.headers["x-goog-api-key"]).toBe("g");
    expect(r.body.systemInstruction.parts[0].text).toBe("You grade answers.");
    expect(r.body.contents).toEqual([{ role: "user", parts: [{ text: "Grade: 4." }] }]);
    const g = r.body.generationConfig;
    expect(g).toMatchObject({ temperature: 0, seed: 7, maxOutputTokens: 300, responseMimeType: "application/json" });
    expect(g.thinkingConfig).toEqual({ thinkingBudget: 512 });
    expect(g.responseJsonSchema.properties.criteria.items.additionalProperties).toBe(false);
    expect(g.responseSchema).toBeUndefined();
    // 17 thinking tokens (the fake's) are billed as output.
    expect(c.usage.completion_tokens).toBe(Math.ceil(JSON.stringify(answer).length / 4) + 17);
  });

  it("sends the OpenAPI subset (upper-case types, no additionalProperties, order pinned) to older models", async () => {
    server = await startFakeGemini(reply({ json: answer }));
    await complete(client(server), request("gemini-2.0-flash"));
    const s = server.requests[0]!.body.generationConfig.responseSchema;
    expect(s.type).toBe("OBJECT");
    expect(s.additionalProperties).toBeUndefined();
    expect(s.propertyOrdering).toEqual(["criteria"]);
    const level = s.properties.criteria.items.properties.level;
    // An integer enum cannot be sent in this subset: the values move to the description.
    expect(level).toMatchObject({ type: "INTEGER", description: "One of: 0, 1, 2" });
    expect(level.enum).toBeUndefined();
  });

  it("forces a function call in tools mode, maps thinkingLevel, and reads blocked answers as refusals", async () => {
    server = await startFakeGemini(({ index }) => (index === 0 ? { json: answer } : { refusal: "x" }));
    const c = await complete(client(server, "tools"), request("gemini-3-pro", { reasoning_effort: "low" }));
    expect(JSON.parse(c.content!)).toEqual(answer);
    const g = server.requests[0]!.body;
    expect(g.toolConfig.functionCallingConfig).toEqual({ mode: "ANY", allowedFunctionNames: ["judgment"] });
    expect(g.tools[0].functionDeclarations[0].parametersJsonSchema.required).toEqual(["criteria"]);
    expect(g.generationConfig.thinkingConfig).toEqual({ thinkingLevel: "LOW" });
    const blocked = await complete(client(server, "tools"), request("gemini-3-pro"));
    expect(blocked).toMatchObject({ content: null, finish_reason: "content_filter" });
    expect(blocked.refusal).toContain("SAFETY");
  });

  it("turns the google.rpc error envelope into the same errors as the others", async () => {
    server = await startFakeGemini(
      reply({
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'Invalid JSON payload received. Unknown name "thinkingConfig": Cannot find field.',
            status: "INVALID_ARGUMENT",
          },
        },
      }),
    );
    const bad = await complete(client(server), request("gemini-2.5-flash")).catch((e) => e);
    expect(bad.kind).toBe("bad_request");
    expect(bad.message).toContain("does not accept `thinkingConfig`");
    await server.close();
    server = await startFakeGemini(reply({ status: 404 }));
    const missing = await complete(client(server), request("gemini-9")).catch((e) => e);
    expect(missing).toMatchObject({ kind: "not_found", fatal: true });
  });
});

describe("OpenAI and OpenAI-compatible servers", () => {
  it("sends a reasoning model no temperature, max_completion_tokens and reasoning_effort", async () => {
    const s = await startFakeOpenAI(() => ({ json: answer }));
    try {
      const client = createJudgeClient({
        provider: "openai",
        baseURL: s.baseURL,
        apiKey: "k",
        timeoutMs: 5000,
        maxRetries: 0,
      });
      await complete(client, request("gpt-5-mini", { reasoning_effort: "low" }));
      const body = s.requests[0]!.body;
      expect(body.temperature).toBeUndefined();
      expect(body.max_completion_tokens).toBe(300);
      expect(body.max_tokens).toBeUndefined();
      expect(body.reasoning_effort).toBe("low");
      // An ordinary model keeps its temperature and the classic limit.
      await complete(client, request("my-local-model"));
      expect(s.requests[1]!.body).toMatchObject({ temperature: 0, max_tokens: 300 });
    } finally {
      await s.close();
    }
  });

  it("forces a function call in tools mode and adds each server's guided-decoding field", async () => {
    const s = await startFakeOpenAI(() => ({ json: answer }));
    try {
      const tools = createJudgeClient({
        baseURL: s.baseURL,
        apiKey: "k",
        timeoutMs: 5000,
        maxRetries: 0,
        format: "tools",
      });
      expect(tools.provider.name).toBe("openai-compatible");
      const c = await complete(tools, request("qwen"));
      expect(JSON.parse(c.content!)).toEqual(answer);
      expect(c.finish_reason).toBe("stop");
      const body = s.requests[0]!.body;
      expect(body.tool_choice).toEqual({ type: "function", function: { name: "judgment" } });
      expect(body.tools[0].function.parameters.required).toEqual(["criteria"]);
      expect(body.response_format).toBeUndefined();
      // biome-ignore lint/suspicious/noExplicitAny: request bodies in each server's own wire format
      const fields: Record<string, (b: any) => unknown> = {
        vllm: (b) => b.structured_outputs.json,
        "vllm-legacy": (b) => b.guided_json,
        ollama: (b) => b.format,
        "llama.cpp": (b) => b.json_schema,
      };
      for (const [guided, field] of Object.entries(fields)) {
        const g = createJudgeClient({
          baseURL: s.baseURL,
          apiKey: "k",
          timeoutMs: 5000,
          maxRetries: 0,
          format: "json",
          guided: guided as never,
        });
        await complete(g, request("qwen"));
        const sent = s.requests[s.requests.length - 1]!.body;
        expect(field(sent)).toEqual(schema);
        expect(sent.response_format).toEqual({ type: "json_object" });
      }
    } finally {
      await s.close();
    }
  });

  it("infers the provider from the base URL's host, else from the model's name", () => {
    const make = (baseURL: string | undefined, model: string) =>
      createJudgeClient({ ...(baseURL ? { baseURL } : {}), model, timeoutMs: 1, maxRetries: 0, apiKey: "k" }).provider
        .name;
    expect(make("https://api.anthropic.com", "x")).toBe("anthropic");
    expect(make("https://generativelanguage.googleapis.com", "x")).toBe("gemini");
    expect(make("https://api.openai.com/v1", "claude-x")).toBe("openai");
    expect(make("http://localhost:8000/v1", "gpt-5")).toBe("openai-compatible");
    expect(make(undefined, "claude-sonnet-4-5")).toBe("anthropic");
    expect(make(undefined, "gemini-2.5-pro")).toBe("gemini");
  });

  it("uses a user's capabilities entry before the shipped ones", async () => {
    const s = await startFakeOpenAI(() => ({ json: answer }));
    try {
      const capabilities = capabilityTable([
        {
          match: "my-reasoner*",
          temperature: false,
          token_limit: "max_completion_tokens",
          reasoning_effort: ["high"],
          reasoning_budget: false,
          structured: "json_schema",
        },
      ]);
      const c = createJudgeClient({ baseURL: s.baseURL, apiKey: "k", timeoutMs: 5000, maxRetries: 0, capabilities });
      await complete(c, request("my-reasoner-7b"));
      expect(s.requests[0]!.body.temperature).toBeUndefined();
      expect(s.requests[0]!.body.max_completion_tokens).toBe(300);
    } finally {
      await s.close();
    }
  });
});
