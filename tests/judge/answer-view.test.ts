import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answerSchemas, answerView } from "../../src/judge/answer.js";

// What the program reads of an answer: the fields the shapes name, nothing else.
function project(a: unknown): unknown {
  if (a === null) return null;
  const pick = (j: Record<string, unknown>, withId = false) => ({
    evidence: (j.evidence as { input: string; quote: string }[]).map((q) => ({ input: q.input, quote: q.quote })),
    rationale: j.rationale,
    verdict: j.verdict,
    level: j.level,
    ...(withId ? { id: j.id } : {}),
  });
  const x = a as Record<string, unknown>;
  if ("criteria" in x) {
    const c = x.criteria as Record<string, Record<string, unknown>> | Record<string, unknown>[];
    return Array.isArray(c)
      ? { list: c.map((j) => pick(j, true)) }
      : { map: Object.entries(c).map(([k, v]) => [k, pick(v as Record<string, unknown>)]) };
  }
  return { one: pick(x), score: x.score, preferred: x.preferred };
}

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.string(),
  fc.constant([]),
  fc.constant({}),
);
const quote = fc.oneof(
  fc.record({ input: fc.constantFrom("response", "prompt"), quote: fc.string() }),
  fc.record({ input: junk, quote: fc.string() }, { requiredKeys: ["quote"] }),
);
const judged = fc.record(
  {
    evidence: fc.oneof(fc.array(quote, { maxLength: 3 }), junk),
    rationale: fc.oneof(fc.string(), junk),
    verdict: fc.oneof(fc.constantFrom("met", "unmet", "A", "B", "tie", "maybe"), junk),
    level: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.double(), junk),
    id: fc.oneof(fc.constantFrom("c1", "c2"), junk),
    extra: junk,
  },
  { requiredKeys: [] },
);
const answer = fc.oneof(
  fc.record({ criteria: fc.dictionary(fc.constantFrom("c1", "c2", "c3"), judged) }),
  fc.record({ criteria: fc.array(judged, { maxLength: 3 }) }),
  fc
    .tuple(judged, fc.oneof(fc.integer(), fc.double(), junk), fc.oneof(fc.constantFrom("A", "B", "tie", "x"), junk))
    .map(([j, score, preferred]) => ({ ...j, score, preferred })),
  junk,
);

describe("the typed view of an answer", () => {
  it("accepts exactly what the zod shapes accept, and reads the same fields from it", () => {
    fc.assert(
      fc.property(answer, (a) => {
        const parsed = answerSchemas().Answer.safeParse(a);
        expect(project(answerView(a))).toEqual(parsed.success ? project(parsed.data) : null);
      }),
      { numRuns: 2000 },
    );
  });
});
