/**
 * Checking an answer against its schema without a JSON Schema engine, for the schemas rulers
 * writes itself. The compiler's answer schemas (bundle/answer-schema.ts) use a handful of
 * keywords; compiling them into closures here costs microseconds, where loading ajv and
 * generating its code was about a fifth of a one-row `rulers judge` run's CPU (issue 21). A
 * schema with any other keyword or form — a hand-edited bundle, say — is not compiled here
 * (`compileAnswerSchema` returns null) and goes to ajv as before, so nothing is accepted that
 * ajv would refuse. Failures are reported as ajv reports them (the same instance paths, words
 * and order, all errors collected): the reason a repair prompt quotes reads the same either way.
 * tests/judge/answer-check.test.ts checks both against ajv on generated schemas and answers.
 */

import type { ErrorObject } from "ajv";

/** One failure, as ajv's ErrorObject (its `schemaPath` is only `#`: nothing reads it). */
export type AnswerSchemaError = ErrorObject;

function failure(
  instancePath: string,
  keyword: string,
  message: string,
  params: Record<string, unknown> = {},
): ErrorObject {
  return { instancePath, schemaPath: "#", keyword, params, message };
}

/**
 * One schema node: whether `value` is valid. Given `errors`, every failure is pushed, in ajv's
 * order; given null, it stops at the first and allocates nothing (no message, no path): almost
 * every answer is valid and is checked once, so messages are built only for one that fails.
 */
type Check = (value: unknown, path: string, errors: AnswerSchemaError[] | null) => boolean;

/** The keywords compiled here; `description` and `title` are notes that check nothing. */
const KNOWN = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "minimum",
  "maximum",
  "description",
  "title",
]);
const TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    default:
      return value === null;
  }
}

/** A property name as a JSON Pointer segment, as ajv writes instance paths. */
function pointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

const own = (o: object, k: string) => Object.hasOwn(o, k);

function compileNode(schema: unknown): Check | null {
  if (!isObject(schema)) return null;
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) return null;
  const { type, properties, required, additionalProperties, items, minimum, maximum } = schema;
  if (typeof type !== "string" || !TYPES.has(type)) return null;
  const typeCheck: Check = (v, p, e) => {
    if (hasType(v, type)) return true;
    e?.push(failure(p, "type", `must be ${type}`, { type }));
    return false;
  };

  // The keywords of one of ajv's type groups (number, array, object), which apply only to data
  // of that type; null when the schema has none.
  let group: Check | null = null;
  let groupType: string | null = null;
  if (minimum !== undefined || maximum !== undefined) {
    if (type !== "number" && type !== "integer") return null;
    if (maximum !== undefined && typeof maximum !== "number") return null;
    if (minimum !== undefined && typeof minimum !== "number") return null;
    groupType = "number";
    group = (v, p, e) => {
      let ok = true;
      if (maximum !== undefined && !((v as number) <= maximum)) {
        if (!e) return false;
        e.push(failure(p, "maximum", `must be <= ${maximum}`, { comparison: "<=", limit: maximum }));
        ok = false;
      }
      if (minimum !== undefined && !((v as number) >= minimum)) {
        if (!e) return false;
        e.push(failure(p, "minimum", `must be >= ${minimum}`, { comparison: ">=", limit: minimum }));
        ok = false;
      }
      return ok;
    };
  }
  if (items !== undefined) {
    if (type !== "array" || group !== null) return null;
    const item = compileNode(items);
    if (!item) return null;
    groupType = "array";
    group = (v, p, e) => {
      const a = v as unknown[];
      let ok = true;
      for (let i = 0; i < a.length; i++)
        if (!item(a[i], e ? `${p}/${i}` : p, e)) {
          if (!e) return false;
          ok = false;
        }
      return ok;
    };
  }
  if (properties !== undefined || required !== undefined || additionalProperties !== undefined) {
    if (type !== "object" || group !== null) return null;
    if (properties !== undefined && !isObject(properties)) return null;
    if (additionalProperties !== undefined && typeof additionalProperties !== "boolean") return null;
    if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === "string")))
      return null;
    const req = (required ?? []) as string[];
    // Parallel arrays, walked by index: a for-of over a Map makes an entry and an iterator result
    // per property until the code is optimized, and a short run never optimizes it.
    const keys: string[] = [];
    const subs: Check[] = [];
    for (const [k, sub] of Object.entries(properties ?? {})) {
      const c = compileNode(sub);
      if (!c) return null;
      keys.push(k);
      subs.push(c);
    }
    const known = new Set(keys);
    const closed = additionalProperties === false;
    groupType = "object";
    group = (v, p, e) => {
      const o = v as Record<string, unknown>;
      let ok = true;
      for (let i = 0; i < req.length; i++) {
        const r = req[i]!;
        if (!own(o, r) || o[r] === undefined) {
          if (!e) return false;
          e.push(failure(p, "required", `must have required property '${r}'`, { missingProperty: r }));
          ok = false;
        }
      }
      // for-in over own keys visits them in Object.keys order, without making the array.
      if (closed)
        for (const k in o)
          if (own(o, k) && !known.has(k)) {
            if (!e) return false;
            e.push(
              failure(p, "additionalProperties", "must NOT have additional properties", { additionalProperty: k }),
            );
            ok = false;
          }
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const x = o[k];
        if (x !== undefined && own(o, k) && !subs[i]!(x, e ? `${p}/${pointer(k)}` : p, e)) {
          if (!e) return false;
          ok = false;
        }
      }
      return ok;
    };
  }
  let enumCheck: Check | null = null;
  if (schema.enum !== undefined) {
    const allowed = schema.enum;
    // Only scalar members: ajv compares others by deep equality.
    if (!Array.isArray(allowed) || !allowed.every((a) => a === null || typeof a !== "object")) return null;
    const set = new Set<unknown>(allowed);
    enumCheck = (v, p, e) => {
      if (set.has(v)) return true;
      e?.push(failure(p, "enum", "must be equal to one of the allowed values", { allowedValues: allowed }));
      return false;
    };
  }

  // ajv's order. When the type is the group's own, the type is checked with the group (its
  // error after enum's); otherwise first. Keywords without a type (enum) come before the groups.
  const steps: Check[] = [];
  if (group === null || groupType !== type) steps.push(typeCheck);
  if (enumCheck) steps.push(enumCheck);
  if (group !== null) {
    const g = group;
    const ofGroup = groupType!;
    const isOwnType = groupType === type;
    steps.push((v, p, e) => (hasType(v, ofGroup) ? g(v, p, e) : !isOwnType || typeCheck(v, p, e)));
  }
  return (v, p, e) => {
    let ok = true;
    for (let i = 0; i < steps.length; i++)
      if (!steps[i]!(v, p, e)) {
        if (!e) return false;
        ok = false;
      }
    return ok;
  };
}

/**
 * A validator for `schema`, or null when it uses anything beyond the subset rulers writes
 * (then use a JSON Schema engine). The result lists every failure; empty means valid.
 */
export function compileAnswerSchema(schema: unknown): ((value: unknown) => AnswerSchemaError[]) | null {
  const check = compileNode(schema);
  if (!check) return null;
  return (value) => {
    const errors: AnswerSchemaError[] = [];
    if (!check(value, "", null)) check(value, "", errors);
    return errors;
  };
}
