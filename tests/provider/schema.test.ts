import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answerSchema } from "../../src/bundle/answer-schema.js";
import { compileSource } from "../../src/compile/index.js";
import {
  CapabilitiesError,
  capabilityTable,
  checkSettings,
  readCapabilities,
  SchemaDialectError,
  translateSchema,
} from "../../src/provider/index.js";
import { exampleSources } from "../helpers/rubrics.js";

describe("the answer schema in each provider's dialect", () => {
  it("every example rubric's schema translates for every dialect", () => {
    for (const [file, text] of exampleSources()) {
      const ir = compileSource(text, file).ir;
      if (!ir) continue;
      const schema = answerSchema(ir);
      for (const d of ["openai", "anthropic", "gemini", "gemini-openapi"] as const)
        expect(() => translateSchema(schema, d), `${file} → ${d}`).not.toThrow();
    }
  });

  it("lists the constraints it drops, with where they were", () => {
    const s = {
      type: "object",
      additionalProperties: false,
      required: ["xs", "n"],
      properties: {
        xs: { type: "array", minItems: 3, items: { type: "string", maxLength: 5 } },
        n: { type: "number", minimum: 0 },
      },
    };
    const a = translateSchema(s, "anthropic");
    expect(a.loosened).toEqual([
      { path: "#/properties/xs", keyword: "minItems" },
      { path: "#/properties/xs/items", keyword: "maxLength" },
      { path: "#/properties/n", keyword: "minimum" },
    ]);
    expect(a.schema).toEqual({
      type: "object",
      additionalProperties: false,
      required: ["xs", "n"],
      properties: { xs: { type: "array", items: { type: "string" } }, n: { type: "number" } },
    });
    // The original is untouched: ajv validates answers against it.
    expect(s.properties.xs.minItems).toBe(3);
    expect(translateSchema(s, "gemini").loosened).toEqual([{ path: "#/properties/xs/items", keyword: "maxLength" }]);
  });

  it("refuses a structure a dialect cannot express, naming the keyword and where", () => {
    const s = {
      type: "object",
      additionalProperties: false,
      required: ["x"],
      properties: { x: { not: { type: "string" } } },
    };
    expect(() => translateSchema(s, "anthropic")).toThrow(SchemaDialectError);
    expect(() => translateSchema(s, "anthropic")).toThrow(/`not` at #\/properties\/x.*--format json/);
    const ref = {
      type: "object",
      properties: { a: { $ref: "#/$defs/a" } },
      required: ["a"],
      additionalProperties: false,
    };
    expect(() => translateSchema(ref, "gemini-openapi")).toThrow(/Gemini responseSchema.*`\$ref` at #\/properties\/a/);
    const open = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    expect(() => translateSchema(open, "openai")).toThrow(/`additionalProperties` at #/);
  });
});

describe("model capabilities", () => {
  it("knows reasoning models from ordinary ones", () => {
    const t = capabilityTable();
    expect(t.lookup("o3-mini")).toMatchObject({ temperature: false, token_limit: "max_completion_tokens" });
    expect(t.lookup("gpt-4o-2024-08-06")).toMatchObject({ temperature: true, reasoning_effort: null });
    expect(t.lookup("claude-sonnet-4-5").reasoning_budget).toBe(true);
    expect(t.lookup("gemini-2.0-flash").structured).toBe("openapi");
    expect(t.lookup("llama3.1:8b")).toMatchObject({ temperature: true, token_limit: "max_tokens" });
  });

  it("says which setting a model rejects, who set it, and how to override it", () => {
    const t = capabilityTable();
    const [effort] = checkSettings(t, "gpt-4o", { reasoning_effort: "high", effortFrom: "the rubric (line 7)" });
    expect(effort).toMatch(
      /`gpt-4o` does not accept `reasoning effort` \(set by the rubric \(line 7\)\).*--reasoning-effort off.*--capabilities/,
    );
    const [value] = checkSettings(t, "o3", { reasoning_effort: "minimal" });
    expect(value).toMatch(/reasoning effort `minimal`.*takes low, medium, high/);
    expect(checkSettings(t, "gpt-5", { reasoning_effort: "minimal" })).toEqual([]);
    expect(checkSettings(t, "gpt-5", { reasoning_budget: 1000 })[0]).toMatch(/--reasoning-budget off/);
  });

  it("reads a user's file and points at the bad entry", () => {
    const dir = mkdtempSync(join(tmpdir(), "rulers-caps-"));
    const good = join(dir, "good.json");
    writeFileSync(
      good,
      JSON.stringify({
        models: [
          {
            match: "local-*",
            temperature: false,
            token_limit: "max_tokens",
            reasoning_effort: null,
            reasoning_budget: false,
            structured: "tools",
          },
        ],
      }),
    );
    expect(capabilityTable(readCapabilities(good)).lookup("local-qwen").structured).toBe("tools");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ match: "x", temperature: "no" }]));
    expect(() => readCapabilities(bad)).toThrow(CapabilitiesError);
    expect(() => readCapabilities(bad)).toThrow(/entry 1, field `temperature`/);
  });
});
