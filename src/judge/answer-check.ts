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

type Check = (value: unknown, path: string, errors: AnswerSchemaError[]) => void;
/** Whether a value is valid, with nothing allocated: almost every answer is, and is checked once. */
type Test = (value: unknown) => boolean;

interface Compiled {
  readonly test: Test;
  readonly check: Check;
}

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

function compileNode(schema: unknown): Compiled | null {
  if (!isObject(schema)) return null;
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) return null;
  const { type, properties, required, additionalProperties, items, minimum, maximum } = schema;
  if (typeof type !== "string" || !TYPES.has(type)) return null;
  const typeError: Check = (v, p, e) => {
    if (!hasType(v, type)) e.push(failure(p, "type", `must be ${type}`, { type }));
  };

  // The keywords of one of ajv's type groups (number, array, object), which apply only to data
  // of that type; null when the schema has none.
  let group: Compiled | null = null;
  let groupType: string | null = null;
  if (minimum !== undefined || maximum !== undefined) {
    if (type !== "number" && type !== "integer") return null;
    if (maximum !== undefined && typeof maximum !== "number") return null;
    if (minimum !== undefined && typeof minimum !== "number") return null;
    groupType = "number";
    group = {
      test: (v) =>
        (maximum === undefined || (v as number) <= maximum) && (minimum === undefined || (v as number) >= minimum),
      check: (v, p, e) => {
        if (maximum !== undefined && !((v as number) <= maximum))
          e.push(failure(p, "maximum", `must be <= ${maximum}`, { comparison: "<=", limit: maximum }));
        if (minimum !== undefined && !((v as number) >= minimum))
          e.push(failure(p, "minimum", `must be >= ${minimum}`, { comparison: ">=", limit: minimum }));
      },
    };
  }
  if (items !== undefined) {
    if (type !== "array") return null;
    const item = compileNode(items);
    if (!item) return null;
    groupType = "array";
    group = {
      test: (v) => {
        const a = v as unknown[];
        for (let i = 0; i < a.length; i++) if (!item.test(a[i])) return false;
        return true;
      },
      check: (v, p, e) => {
        const a = v as unknown[];
        for (let i = 0; i < a.length; i++) item.check(a[i], `${p}/${i}`, e);
      },
    };
  }
  if (properties !== undefined || required !== undefined || additionalProperties !== undefined) {
    if (type !== "object") return null;
    if (additionalProperties !== undefined && additionalProperties !== false) return null;
    if (properties !== undefined && !isObject(properties)) return null;
    if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === "string")))
      return null;
    const req = (required ?? []) as string[];
    // Parallel arrays, walked by index: a for-of over a Map makes an entry and an iterator result
    // per property until the code is optimized, and a short run never optimizes it.
    const keys: string[] = [];
    const subs: Compiled[] = [];
    for (const [k, sub] of Object.entries(properties ?? {})) {
      const c = compileNode(sub);
      if (!c) return null;
      keys.push(k);
      subs.push(c);
    }
    const known = new Set(keys);
    const closed = additionalProperties === false;
    groupType = "object";
    group = {
      test: (v) => {
        const o = v as Record<string, unknown>;
        for (let i = 0; i < req.length; i++) if (!own(o, req[i]!) || o[req[i]!] === undefined) return false;
        if (closed) for (const k in o) if (!known.has(k) && own(o, k)) return false;
        for (let i = 0; i < keys.length; i++) {
          const x = o[keys[i]!];
          if (x !== undefined && own(o, keys[i]!) && !subs[i]!.test(x)) return false;
        }
        return true;
      },
      check: (v, p, e) => {
        const o = v as Record<string, unknown>;
        for (const r of req)
          if (!own(o, r) || o[r] === undefined)
            e.push(failure(p, "required", `must have required property '${r}'`, { missingProperty: r }));
        if (closed)
          for (const k of Object.keys(o))
            if (!known.has(k))
              e.push(
                failure(p, "additionalProperties", "must NOT have additional properties", { additionalProperty: k }),
              );
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i]!;
          if (own(o, k) && o[k] !== undefined) subs[i]!.check(o[k], `${p}/${pointer(k)}`, e);
        }
      },
    };
  }
  let enumSet: Set<unknown> | null = null;
  let enumCheck: Check | null = null;
  if (schema.enum !== undefined) {
    const allowed = schema.enum;
    // Only scalar members: ajv compares others by deep equality.
    if (!Array.isArray(allowed) || !allowed.every((a) => a === null || typeof a !== "object")) return null;
    const set = new Set<unknown>(allowed);
    enumSet = set;
    enumCheck = (v, p, e) => {
      if (!set.has(v))
        e.push(failure(p, "enum", "must be equal to one of the allowed values", { allowedValues: allowed }));
    };
  }

  // ajv's order. When the type is the group's own, the type is checked with the group (its
  // error after enum's); otherwise first. Keywords without a type (enum) come before the groups.
  const typeFirst = group === null || groupType !== type;
  const steps: Check[] = [];
  if (typeFirst) steps.push(typeError);
  if (enumCheck) steps.push(enumCheck);
  let groupOk: Test = () => true;
  if (group !== null) {
    const g = group;
    const ofGroup = groupType!;
    const isOwnType = groupType === type;
    steps.push((v, p, e) => {
      if (hasType(v, ofGroup)) g.check(v, p, e);
      else if (isOwnType) typeError(v, p, e);
    });
    groupOk = (v) => (hasType(v, ofGroup) ? g.test(v) : !isOwnType);
  }
  return {
    test: (v) => (!typeFirst || hasType(v, type)) && (enumSet === null || enumSet.has(v)) && groupOk(v),
    check: (v, p, e) => {
      for (let i = 0; i < steps.length; i++) steps[i]!(v, p, e);
    },
  };
}

/**
 * A validator for `schema`, or null when it uses anything beyond the subset rulers writes
 * (then use a JSON Schema engine). The result lists every failure; empty means valid.
 */
export function compileAnswerSchema(schema: unknown): ((value: unknown) => AnswerSchemaError[]) | null {
  const compiled = compileNode(schema);
  if (!compiled) return null;
  return (value) => {
    const errors: AnswerSchemaError[] = [];
    if (!compiled.test(value)) compiled.check(value, "", errors);
    return errors;
  };
}
