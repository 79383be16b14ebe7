import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { compileSource } from "../../src/compile/index.js";
import { criteriaFor } from "../../src/execute/index.js";
import { checkAnswer, requestSchema } from "../../src/judge/index.js";

// Per-item (HealthBench-style) rubrics: the request schema is an object keyed by the row's
// criterion ids, so whatever a strict decoder writes within it, the validator accepts.
const ir = compileSource(readFileSync("examples/health-per-item.rubric", "utf8"), "health-per-item.rubric").ir!;
const bundle = buildBundle(ir);
const rows = readFileSync("examples/health-per-item.jsonl", "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the per-item answer schema", () => {
  it("holds each criterion exactly once, and the validator accepts every answer it allows", () => {
    for (const row of rows.slice(0, 5)) {
      const { items } = criteriaFor(bundle, row, String(row.id));
      const schema = requestSchema(bundle.body.answer_schema, ir, items);
      type Judged = {
        properties: { verdict: { enum: string[] }; evidence: { items: { properties: { input: { enum: string[] } } } } };
      };
      const crit = (
        schema.properties as {
          criteria: { required: string[]; additionalProperties: boolean; properties: Record<string, Judged> };
        }
      ).criteria;
      const ids = items!.map((c) => c.id);
      expect(crit.required).toEqual(ids);
      expect(crit.additionalProperties).toBe(false);
      const judged = crit.properties[ids[0]!]!;
      const verdicts: string[] = judged.properties.verdict.enum;
      const inputs: string[] = judged.properties.evidence.items.properties.input.enum;
      const one = fc.record({
        evidence: fc.array(fc.record({ input: fc.constantFrom(...inputs), quote: fc.string() }), { maxLength: 2 }),
        rationale: fc.string(),
        verdict: fc.constantFrom(...verdicts),
      });
      fc.assert(
        fc.property(fc.tuple(...ids.map(() => one)), (answers) => {
          const answer = { criteria: Object.fromEntries(ids.map((id, i) => [id, answers[i]])) };
          const r = checkAnswer(JSON.stringify(answer), schema, items);
          expect(r.ok).toBe(true);
          if (r.ok) expect([...r.answer.criteria.keys()]).toEqual(ids);
        }),
        { numRuns: 40 },
      );
      // What the old array schema let through is now outside the schema: a repeat or an omission.
      const repeated = { criteria: { [ids[0]!]: { evidence: [], rationale: "", verdict: verdicts[0] } } };
      expect(checkAnswer(JSON.stringify(repeated), schema, items).ok).toBe(ids.length === 1);
    }
  });
});
