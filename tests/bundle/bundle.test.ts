import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { serializeBundle } from "../../src/bundle/file.js";
import { compileSource } from "../../src/compile/index.js";
import { exampleSources, rubric } from "../helpers/rubrics.js";

function bundleOf(text: string, file = "t.rubric") {
  const r = compileSource(text, file);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return buildBundle(r.ir!);
}

/** The parts of a JSON Schema these tests read; a missing part fails the expectation that reads it. */
interface Schema {
  properties: Record<string, Schema>;
  required: string[];
  enum: unknown[];
  items: Schema;
}

const BASE = rubric(`
criterion clarity "Clarity"
  levels
    1 "unclear"
    2 "clear"
  end
  weight 2
  evidence at least 1 quote from response, at most 20 words
end
judge
  temperature 0
end
aggregate weighted mean`);

describe("bundles", () => {
  it.each(exampleSources())("compiling %s twice gives byte-identical files", (file, text) => {
    expect(serializeBundle(bundleOf(text, file))).toBe(serializeBundle(bundleOf(text, file)));
  });

  it("keeps the hash when only whitespace and comments change", () => {
    const noisy = BASE.replace(/\n/g, "\n\n  # a comment\n").replace(/ "/g, '    "');
    expect(bundleOf(noisy).hash).toBe(bundleOf(BASE).hash);
  });

  const edits: [string, string, string][] = [
    ["a weight", "weight 2", "weight 3"],
    ["an anchor", '"clear"', '"very clear"'],
    ["the scale", "scale 1 to 5", "scale 1 to 6"],
    ["a word limit", "at most 20 words", "at most 25 words"],
    ["the temperature", "temperature 0", "temperature 0.2"],
    ["the aggregation", "aggregate weighted mean", "aggregate minimum"],
    ["the version", "version 1.0.0", "version 1.0.1"],
    ["the instructions", "aggregate weighted mean", 'aggregate weighted mean\ninstructions "Be strict."'],
    ["an input's description", '"the answer"', '"the reply"'],
  ];
  it.each(edits)("changes the hash when %s changes", (_what, from, to) => {
    const edited = BASE.replace(from, to);
    expect(edited).not.toBe(BASE);
    expect(bundleOf(edited).hash).not.toBe(bundleOf(BASE).hash);
  });
});

/** OpenAI strict mode: every object closed and every property required. */
function assertStrict(schema: unknown, path = "$"): void {
  if (Array.isArray(schema)) {
    for (const [i, s] of schema.entries()) assertStrict(s, `${path}[${i}]`);
    return;
  }
  if (schema === null || typeof schema !== "object") return;
  const s = schema as Record<string, unknown>;
  if (s.type === "object") {
    expect(s.additionalProperties, `${path} is not closed`).toBe(false);
    expect([...(s.required as string[])].sort(), `${path} does not require every property`).toEqual(
      Object.keys(s.properties as object).sort(),
    );
  }
  for (const [k, v] of Object.entries(s)) assertStrict(v, `${path}.${k}`);
}

describe("answer schema", () => {
  it.each(exampleSources())("of %s compiles with ajv and is strict-mode compatible", (file, text) => {
    const schema = bundleOf(text, file).body.answer_schema;
    expect(() => new Ajv({ strict: true }).compile(schema)).not.toThrow();
    assertStrict(schema);
  });

  it("puts each criterion's evidence before its verdict, with a quote string per entry", () => {
    const schema = bundleOf(BASE).body.answer_schema as unknown as Schema;
    const clarity = schema.properties.criteria!.properties.clarity!;
    expect(clarity.required).toEqual(["evidence", "rationale", "level"]);
    expect(clarity.properties.evidence!.items.properties.quote).toEqual({ type: "string" });
    expect(clarity.properties.level!.enum).toEqual([1, 2]);
  });

  it("puts the verdict first only when the rubric says so", () => {
    const schema = bundleOf(BASE.replace("temperature 0", "temperature 0\n  verdict before evidence")).body
      .answer_schema as unknown as Schema;
    expect(schema.properties.criteria!.properties.clarity!.required).toEqual(["level", "rationale", "evidence"]);
  });

  it("accepts a well-formed answer and rejects a made-up criterion or verdict", () => {
    const validate = new Ajv().compile(bundleOf(BASE).body.answer_schema);
    const good = {
      criteria: { clarity: { evidence: [{ input: "response", quote: "x" }], rationale: "ok", level: 2 } },
    };
    expect(validate(good)).toBe(true);
    expect(validate({ criteria: { clarity: { ...good.criteria.clarity, level: 7 } } })).toBe(false);
    expect(validate({ criteria: { ...good.criteria, extra: good.criteria.clarity } })).toBe(false);
  });
});

describe("prompt templates", () => {
  it("keep the item out of the system prompt, so it is a stable prefix", () => {
    const b = bundleOf(BASE);
    expect(b.body.prompt.system).not.toContain("{{");
    expect(b.body.prompt.user).toContain("{{inputs}}");
    expect(b.body.prompt.user).toContain("{{boundary}}");
    expect(b.body.prompt.system).toContain("Level: one of 1, 2.");
  });
});
