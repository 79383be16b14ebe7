/**
 * The answer check without a JSON Schema engine (src/judge/answer-check.ts) against ajv, the
 * engine it stands in for: on every answer schema the compiler writes (the shipped bundles,
 * per-item schemas narrowed to a row, holistic and pairwise rubrics) and on generated answers,
 * valid and broken, both must agree exactly — the same verdict, the same errors in the same order.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import type { Bundle } from "../../src/bundle/types.js";
import { compileSource } from "../../src/compile/index.js";
import { checkAnswer, requestSchema } from "../../src/judge/answer.js";
import { compileAnswerSchema } from "../../src/judge/answer-check.js";
import { rubric } from "../helpers/rubrics.js";

type Schema = Record<string, unknown>;

const shipped: [string, Bundle][] = readdirSync("bundles").flatMap((id) =>
  readdirSync(join("bundles", id)).map(
    (v) =>
      [`${id}@${v}`, JSON.parse(readFileSync(join("bundles", id, v, "bundle.json"), "utf8")) as Bundle] as [
        string,
        Bundle,
      ],
  ),
);

function compiled(source: string): Bundle {
  const r = compileSource(source, "t.rubric");
  if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
  return buildBundle(r.ir);
}

const extra: [string, Bundle][] = [
  ["holistic, 1 to 5", compiled(rubric('instructions """Rate the answer."""'))],
  [
    "holistic, 0 to 1000 (a range, not a list)",
    compiled(rubric('instructions """Rate."""').replace("scale 1 to 5", "scale 0 to 1000")),
  ],
  [
    "holistic, steps of 0.5",
    compiled(rubric('instructions """Rate."""').replace("scale 1 to 5", "scale 1 to 5 step 0.5")),
  ],
  [
    "checklist and levels",
    compiled(
      rubric(
        `criterion a "A"\n  "is it a"\n  checklist\nend\ncriterion b "B"\n  "is it b"\n  levels 1 "low" 2 "mid" 3 "high" end\nend`,
      ),
    ),
  ],
];

/** Every schema a request can carry: each bundle's, and a per-item bundle's narrowed to rows. */
const schemas: [string, Schema][] = [...shipped, ...extra].flatMap(([name, b]) => {
  const whole = requestSchema(b.body.answer_schema, b.body.rubric);
  const out: [string, Schema][] = [[name, whole]];
  const items = b.body.items ? Object.values(b.body.items)[0] : undefined;
  if (items) {
    out.push([`${name}, one row's items`, requestSchema(b.body.answer_schema, b.body.rubric, items)]);
    out.push([`${name}, one item`, requestSchema(b.body.answer_schema, b.body.rubric, items.slice(0, 1))]);
  }
  return out;
});

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, code: { optimize: false } });

function ajvErrors(schema: Schema, value: unknown): string[] {
  const v = ajv.compile(schema);
  if (v(value)) return [];
  return (v.errors ?? []).map(
    (e) => `${e.instancePath}|${e.message}|${JSON.stringify(e.params.allowedValues ?? null)}`,
  );
}

function ownErrors(schema: Schema, value: unknown): string[] {
  const check = compileAnswerSchema(schema);
  if (!check) throw new Error("not compiled");
  return check(value).map((e) => `${e.instancePath}|${e.message}|${JSON.stringify(e.params.allowedValues ?? null)}`);
}

/** Answers shaped by `schema`, mostly right, sometimes wrong at any depth (missing, extra, mistyped). */
function answerFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -3, max: 9 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 2000 }),
    fc.string({ maxLength: 4 }),
    fc.constant([]),
    fc.constant({}),
  );
  let right: fc.Arbitrary<unknown>;
  const e = schema.enum as unknown[] | undefined;
  switch (schema.type) {
    case "object": {
      const props = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
      right = fc
        .tuple(
          fc.record(Object.fromEntries(props.map(([k, s]) => [k, answerFor(s, depth + 1)])), {
            requiredKeys: props.map(([k]) => k).filter((_, i) => i % 3 !== 0),
          }),
          fc.option(fc.record({ extra: fc.string({ maxLength: 2 }) }), { freq: 6 }),
        )
        .map(([o, x]) => (x ? { ...o, ...x } : o));
      break;
    }
    case "array":
      right = fc.array(answerFor(schema.items as Schema, depth + 1), { maxLength: depth > 2 ? 1 : 3 });
      break;
    case "string":
      right = e ? fc.oneof(fc.constantFrom(...e), fc.string({ maxLength: 3 })) : fc.string({ maxLength: 6 });
      break;
    default:
      right = e
        ? fc.oneof(
            fc.constantFrom(...e),
            fc.integer({ min: -1, max: 7 }),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
          )
        : fc.oneof(
            fc.integer({ min: -5, max: 1005 }),
            fc.double({ noNaN: true, noDefaultInfinity: true, min: -5, max: 1005 }),
          );
  }
  return fc.oneof({ arbitrary: right, weight: 12 }, { arbitrary: wrong, weight: 1 });
}

describe("the answer check without ajv", () => {
  it("compiles every answer schema the compiler writes", () => {
    expect(schemas.length).toBeGreaterThanOrEqual(14);
    for (const [name, s] of schemas) expect(compileAnswerSchema(s), name).not.toBeNull();
  });

  it.each(schemas)("reports what ajv reports, in ajv's order: %s", (_name, schema) => {
    let invalid = 0;
    fc.assert(
      fc.property(answerFor(schema), (answer) => {
        const mine = ownErrors(schema, answer);
        expect(mine).toEqual(ajvErrors(schema, answer));
        if (mine.length) invalid++;
      }),
      { numRuns: 300, seed: 21 },
    );
    // The generator reaches the error paths, not only valid answers.
    expect(invalid).toBeGreaterThan(30);
  });

  it("leaves any other schema to ajv, which still refuses what it must", () => {
    const schema = {
      type: "object",
      additionalProperties: false,
      required: ["evidence", "rationale", "score"],
      properties: {
        evidence: { type: "array", items: { type: "object" } },
        rationale: { type: "string", pattern: "^because" },
        score: { type: "number" },
      },
    };
    expect(compileAnswerSchema(schema)).toBeNull();
    expect(compileAnswerSchema({ type: ["string", "null"] })).toBeNull();
    expect(compileAnswerSchema({ type: "string", enum: [{ a: 1 }] })).toBeNull();
    expect(compileAnswerSchema({ type: "object", additionalProperties: { type: "string" } })).toBeNull();
    const bad = checkAnswer(JSON.stringify({ evidence: [], rationale: "since", score: 3 }), schema);
    expect(bad).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not match the schema: \/rationale must match pattern/),
    });
    expect(checkAnswer(JSON.stringify({ evidence: [], rationale: "because", score: 3 }), schema).ok).toBe(true);
  });
});
