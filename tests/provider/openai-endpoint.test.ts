/**
 * The direct OpenAI path resolves where and as whom it posts without constructing the SDK (so a
 * run never loads it): the base URL, organization and project must be what the SDK's own
 * constructor would make of the same options and environment.
 */
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { complete, createJudgeClient, jsonSchemaFormat } from "../../src/judge/client.js";
import { type FakeOpenAI, startFakeOpenAI } from "../helpers/fake-openai.js";

const ENV = ["OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
let server: FakeOpenAI | null = null;
afterEach(async () => {
  for (const k of ENV)
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  await server?.close();
  server = null;
});

describe("the direct OpenAI path's endpoint", () => {
  it.each([
    [{}, undefined],
    [{ OPENAI_BASE_URL: "http://gw.example/v1" }, undefined],
    [{ OPENAI_BASE_URL: "  http://gw.example/v1 \n" }, undefined],
    [{ OPENAI_BASE_URL: "" }, undefined],
    [{ OPENAI_BASE_URL: "   " }, undefined],
    [{ OPENAI_BASE_URL: "http://gw.example/v1" }, "http://given.example/v1"],
    [{}, ""],
  ] as [Record<string, string>, string | undefined][])(
    "is the SDK's base URL (env %j, --base-url %j)",
    (env, given) => {
      for (const k of ENV) delete process.env[k];
      Object.assign(process.env, env);
      const sdk = new OpenAI({ apiKey: "k", ...(given !== undefined ? { baseURL: given } : {}) });
      const ours = createJudgeClient({
        provider: "openai",
        ...(given !== undefined ? { baseURL: given } : {}),
        apiKey: "k",
        timeoutMs: 1000,
        maxRetries: 0,
      });
      expect(ours.provider.baseURL).toBe(sdk.baseURL);
    },
  );

  it("posts to OPENAI_BASE_URL with the trimmed organization and project when no base URL is given", async () => {
    server = await startFakeOpenAI(() => ({ json: { verdict: "met" } }));
    process.env.OPENAI_BASE_URL = ` ${server.baseURL} `;
    process.env.OPENAI_ORG_ID = " org-2 ";
    process.env.OPENAI_PROJECT_ID = "";
    const client = createJudgeClient({ provider: "openai", apiKey: "k", timeoutMs: 5000, maxRetries: 0 });
    const c = await complete(client, {
      model: "m",
      messages: [{ role: "user", content: "Grade." }],
      temperature: 0,
      response_format: jsonSchemaFormat("j", { type: "object" }),
    });
    expect(c.content).toBe('{"verdict":"met"}');
    const h = server.requests[0]!.headers;
    expect(h["openai-organization"]).toBe("org-2");
    expect(h["openai-project"]).toBeUndefined();
  });
});
