/**
 * Checking what the judge said. The answer is validated against the exact schema that was sent
 * (the contract: answer-check.ts for the schemas rulers writes, ajv for any other), then read
 * into the program's typed view. An answer that fails either is never scored from a guess: the
 * caller repairs it or records the item as failed.
 */
import type { ValidateFunction } from "ajv";
import { orderedSchema } from "../bundle/answer-schema.js";
import type { ItemCriterionIR, RubricIR } from "../compile/ir.js";
import { lazy } from "../util/lazy.js";
import { ajvPackage } from "../util/packages.js";
import { type AnswerSchemaError, compileAnswerSchema } from "./answer-check.js";

/** One criterion as the judge answered it: what the program reads, and nothing else. */
export interface JudgedCriterion {
  evidence: { input: string; quote: string }[];
  rationale: string;
  verdict?: "met" | "unmet" | "A" | "B" | "tie";
  level?: number;
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
type Validate = (value: unknown) => readonly AnswerSchemaError[];
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

function ajvValidator(compiled: ValidateFunction): Validate {
  return (value) =>
    compiled(value)
      ? []
      : (compiled.errors ?? []).map((e) => ({
          instancePath: e.instancePath,
          message: e.message ?? "is not valid",
          params: e.params as AnswerSchemaError["params"],
        }));
}

/**
 * The schemas rulers writes compile without a JSON Schema engine (answer-check.ts); any other
 * (a hand-edited bundle) goes to ajv, loaded then.
 */
function validatorFor(schema: Record<string, unknown>): Validate {
  let v = validators.get(schema);
  if (!v) {
    v = compileAnswerSchema(schema) ?? ajvValidator(ajv().compile(schema));
    validators.set(schema, v);
  }
  return v;
}

function explain(errors: readonly AnswerSchemaError[]): string {
  return errors
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || "(answer)"} ${e.message}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : ""}`,
    )
    .join("; ");
}

type Read<T> = { ok: true; value: T } | { ok: false; reason: string };
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const VERDICTS = new Set(["met", "unmet", "A", "B", "tie"]);
const PREFERRED = new Set(["A", "B", "tie"]);

/** One judged criterion's fields, checked and copied (nothing else the object holds comes along). */
function readJudged(v: unknown, at: string): Read<JudgedCriterion> {
  if (!isRecord(v)) return { ok: false, reason: `\`${at}\` is not an object` };
  if (!Array.isArray(v.evidence)) return { ok: false, reason: `\`${at}.evidence\` is not a list` };
  const evidence: JudgedCriterion["evidence"] = [];
  for (const [i, q] of v.evidence.entries()) {
    if (!isRecord(q) || typeof q.input !== "string" || typeof q.quote !== "string")
      return { ok: false, reason: `\`${at}.evidence.${i}\` is not an {input, quote} pair of strings` };
    evidence.push({ input: q.input, quote: q.quote });
  }
  if (typeof v.rationale !== "string") return { ok: false, reason: `\`${at}.rationale\` is not a string` };
  const out: JudgedCriterion = { evidence, rationale: v.rationale };
  if (v.verdict !== undefined) {
    if (typeof v.verdict !== "string" || !VERDICTS.has(v.verdict))
      return { ok: false, reason: `\`${at}.verdict\` is not one of met, unmet, A, B, tie` };
    out.verdict = v.verdict as NonNullable<JudgedCriterion["verdict"]>;
  }
  if (v.level !== undefined) {
    if (typeof v.level !== "number" || !Number.isFinite(v.level))
      return { ok: false, reason: `\`${at}.level\` is not a number` };
    out.level = v.level;
  }
  return { ok: true, value: out };
}

/** Criteria keyed by id, or a list of criteria with ids (per-item rubrics). */
function readCriteria(list: unknown): Read<Map<string, JudgedCriterion>> | null {
  const criteria = new Map<string, JudgedCriterion>();
  if (isRecord(list)) {
    for (const [id, c] of Object.entries(list)) {
      const r = readJudged(c, `criteria.${id}`);
      if (!r.ok) return r;
      criteria.set(id, r.value);
    }
    return { ok: true, value: criteria };
  }
  if (!Array.isArray(list)) return null;
  for (const [i, c] of list.entries()) {
    const r = readJudged(c, `criteria.${i}`);
    if (!r.ok) return r;
    if (typeof (c as { id?: unknown }).id !== "string")
      return { ok: false, reason: `\`criteria.${i}.id\` is not a string` };
    criteria.set((c as { id: string }).id, r.value);
  }
  return { ok: true, value: criteria };
}

/**
 * The program's typed view of an answer that passed its schema. A schema only constrains what
 * it names, so a hand-edited bundle's schema could pass answers without the fields scoring reads:
 * those are refused here. The forms, tried in this order (the first that fits is the reading):
 * criteria keyed by id, a list of criteria with ids, a holistic score, a pairwise preference.
 */
function readAnswer(json: unknown): Read<ParsedAnswer> {
  if (!isRecord(json)) return { ok: false, reason: "the answer is not an object" };
  const listed = readCriteria(json.criteria);
  if (listed?.ok) {
    if (Array.isArray(json.criteria)) {
      const ids = new Set<string>();
      for (const c of json.criteria as { id: string }[]) {
        if (ids.has(c.id)) return { ok: false, reason: `criterion \`${c.id}\` is judged twice` };
        ids.add(c.id);
      }
    }
    return { ok: true, value: { criteria: listed.value } };
  }
  const whole = readJudged(json, "(answer)");
  if (whole.ok) {
    const criteria = new Map([["overall", whole.value]]);
    if (typeof json.score === "number" && Number.isFinite(json.score))
      return { ok: true, value: { criteria, score: json.score } };
    if (typeof json.preferred === "string" && PREFERRED.has(json.preferred))
      return { ok: true, value: { criteria, preferred: json.preferred as "A" | "B" | "tie" } };
  }
  if (listed) return listed;
  if (json.criteria !== undefined) return { ok: false, reason: "`criteria` is neither an object nor a list" };
  if (!whole.ok) return whole;
  return { ok: false, reason: "the answer has no criteria, no numeric `score` and no `preferred` of A, B or tie" };
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
  const errors = validatorFor(schema)(json);
  if (errors.length) return { ok: false, reason: `the answer does not match the schema: ${explain(errors)}` };
  const read = readAnswer(json);
  if (!read.ok) return { ok: false, reason: `the answer has an unexpected shape: ${read.reason}` };
  const missing = (items ?? []).filter((c) => !read.value.criteria.has(c.id)).map((c) => c.id);
  if (missing.length && Array.isArray((json as { criteria?: unknown }).criteria))
    return { ok: false, reason: `criteria not judged: ${missing.join(", ")}` };
  return { ok: true, answer: read.value };
}
