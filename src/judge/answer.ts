/**
 * Checking what the judge said. ajv validates against the exact schema that was sent (the
 * contract); a shape check then gives the program a typed view. An answer that fails either is
 * never scored from a guess: the caller repairs it or records the item as failed.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import type { z } from "zod";
import { orderedSchema } from "../bundle/answer-schema.js";
import type { ItemCriterionIR, RubricIR } from "../compile/ir.js";
import { extend } from "../util/extend.js";
import { lazy } from "../util/lazy.js";
import { ajvPackage, zodPackage } from "../util/packages.js";
import { compileAnswerSchema } from "./answer-check.js";

/** The zod shapes an answer may take (exported for the test that holds answerView to them). */
export const answerSchemas = lazy(() => {
  const { z } = zodPackage();
  const Quote = z.object({ input: z.string(), quote: z.string() });
  const Judged = z.object({
    evidence: z.array(Quote),
    rationale: z.string(),
    verdict: z.enum(["met", "unmet", "A", "B", "tie"]).optional(),
    level: z.number().optional(),
  });
  const Answer = z.union([
    z.object({ criteria: z.record(z.string(), Judged) }),
    z.object({ criteria: z.array(Judged.extend({ id: z.string() })) }),
    Judged.extend({ score: z.number() }),
    Judged.extend({ preferred: z.enum(["A", "B", "tie"]) }),
  ]);
  return { Judged, Answer };
});

export type JudgedCriterion = z.infer<ReturnType<typeof answerSchemas>["Judged"]>;
type AnswerShape = z.infer<ReturnType<typeof answerSchemas>["Answer"]>;

const VERDICTS: readonly unknown[] = ["met", "unmet", "A", "B", "tie"];
const PREFERENCES: readonly unknown[] = ["A", "B", "tie"];

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

function isJudged(x: unknown): x is JudgedCriterion {
  if (!isRecord(x) || typeof x.rationale !== "string" || !Array.isArray(x.evidence)) return false;
  for (const q of x.evidence)
    if (!isRecord(q) || typeof q.input !== "string" || typeof q.quote !== "string") return false;
  if (x.verdict !== undefined && !VERDICTS.includes(x.verdict)) return false;
  return x.level === undefined || (typeof x.level === "number" && Number.isFinite(x.level));
}

/**
 * The answer as the zod `Answer` union reads it (its first matching shape), without zod's deep
 * copy of every answer; null when no shape matches. The answer is the judge's parsed JSON, owned
 * by this call, so viewing it in place is safe; fields the shapes do not name are never read.
 */
export function answerView(json: unknown): AnswerShape | null {
  if (!isRecord(json)) return null;
  const c = json.criteria;
  if (isRecord(c) && Object.values(c).every(isJudged)) return { criteria: c as Record<string, JudgedCriterion> };
  if (Array.isArray(c) && c.every((x) => isJudged(x) && typeof (x as { id?: unknown }).id === "string"))
    return { criteria: c as (JudgedCriterion & { id: string })[] };
  const raw: Record<string, unknown> = json;
  if (!isJudged(json)) return null;
  const { evidence, rationale, verdict, level } = json;
  const judged = {
    evidence,
    rationale,
    ...(verdict !== undefined ? { verdict } : {}),
    ...(level !== undefined ? { level } : {}),
  };
  if (typeof raw.score === "number" && Number.isFinite(raw.score)) return extend(judged, { score: raw.score });
  if (PREFERENCES.includes(raw.preferred)) return extend(judged, { preferred: raw.preferred as "A" | "B" | "tie" });
  return null;
}

export interface ParsedAnswer {
  /** Per criterion id; holistic answers use the id `overall`. */
  readonly criteria: Map<string, JudgedCriterion>;
  readonly score?: number;
  readonly preferred?: "A" | "B" | "tie";
}

// The schemas are the bundle's own (hash-checked, written by the compiler), so they are not checked
// against the JSON Schema meta-schema first: compiling that validator is a large share of a judging run's start-up.
const ajv = lazy(
  () => new (ajvPackage().Ajv)({ strict: false, allErrors: true, validateSchema: false, code: { optimize: false } }),
);
/** What checkAnswer calls: ajv's ValidateFunction, or answer-check.ts's closures in its shape. */
type Validate = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };
// Keyed by schema object: a run sends the same schema object for every item (memoized below).
const validators = new WeakMap<object, Validate>();
const ordered = new WeakMap<object, Record<string, unknown>>();

/**
 * The schema sent with a request: properties in `required` order. For a per-item rubric the
 * bundle holds one criterion shape (an array item with an `id`); each request turns it into an
 * object keyed by the row's criterion ids, all required and no others, so a strict decoder
 * writes every criterion exactly once by construction and every answer it can produce is valid.
 */
export function requestSchema(
  schema: Record<string, unknown>,
  ir: RubricIR,
  items?: readonly ItemCriterionIR[],
): Record<string, unknown> {
  let base = ordered.get(schema);
  if (!base) {
    base = orderedSchema(schema) as Record<string, unknown>;
    ordered.set(schema, base);
  }
  if (!ir.template || !items) return base;
  const copy = structuredClone(base);
  // A template rubric's schema always has criteria: an array of objects with an `id`.
  type Shape = { required: string[]; properties: Record<string, unknown> };
  const props = copy.properties as Record<string, unknown>;
  const item = (props.criteria as { items: Shape }).items;
  const { id: _id, ...parts } = item.properties;
  const shape = { ...item, required: item.required.filter((k) => k !== "id"), properties: parts };
  const ids = [...new Set(items.map((c) => c.id))];
  props.criteria = {
    type: "object",
    additionalProperties: false,
    required: ids,
    properties: Object.fromEntries(ids.map((id) => [id, shape])),
  };
  return copy;
}

/**
 * The schemas rulers writes compile without a JSON Schema engine (answer-check.ts: the same
 * errors as ajv, in ajv's order): loading ajv and generating its code was a fifth of a one-row
 * run's start-up. Any other schema (a hand-edited bundle) goes to ajv, loaded then.
 */
function validatorFor(schema: Record<string, unknown>): Validate {
  let v = validators.get(schema);
  if (!v) {
    const own = compileAnswerSchema(schema);
    if (own) {
      const check: Validate = (value) => {
        const errors = own(value);
        check.errors = errors.length ? errors : null;
        return errors.length === 0;
      };
      v = check;
    } else v = ajv().compile(schema) satisfies ValidateFunction;
    validators.set(schema, v);
  }
  return v;
}

function explain(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || "(answer)"} ${e.message}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : ""}`,
    )
    .join("; ");
}

export type AnswerCheck = { ok: true; answer: ParsedAnswer } | { ok: false; reason: string };

export function checkAnswer(
  content: string | null,
  schema: Record<string, unknown>,
  items?: readonly ItemCriterionIR[],
): AnswerCheck {
  if (content === null || content.trim() === "") return { ok: false, reason: "the answer was empty" };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (err) {
    return { ok: false, reason: `the answer is not valid JSON (${(err as Error).message})` };
  }
  const validate = validatorFor(schema);
  if (!validate(json))
    return { ok: false, reason: `the answer does not match the schema: ${explain(validate.errors)}` };
  let a = answerView(json);
  if (a === null) {
    // Only to say what is wrong: zod's message for the shape the view refused.
    const parsed = answerSchemas().Answer.safeParse(json);
    if (!parsed.success)
      return {
        ok: false,
        reason: `the answer has an unexpected shape: ${parsed.error.issues[0]?.message ?? "unknown"}`,
      };
    a = parsed.data;
  }
  const criteria = new Map<string, JudgedCriterion>();
  if ("criteria" in a) {
    if (Array.isArray(a.criteria)) {
      for (const c of a.criteria) {
        if (criteria.has(c.id)) return { ok: false, reason: `criterion \`${c.id}\` is judged twice` };
        criteria.set(c.id, c);
      }
      const missing = (items ?? []).filter((c) => !criteria.has(c.id)).map((c) => c.id);
      if (missing.length) return { ok: false, reason: `criteria not judged: ${missing.join(", ")}` };
    } else for (const [id, c] of Object.entries(a.criteria)) criteria.set(id, c);
    return { ok: true, answer: { criteria } };
  }
  criteria.set("overall", a);
  return {
    ok: true,
    answer: {
      criteria,
      ...("score" in a ? { score: a.score } : {}),
      ...("preferred" in a ? { preferred: a.preferred } : {}),
    },
  };
}
