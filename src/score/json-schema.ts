/** JSON Schema validators for `is valid json matching …`, compiled once per schema object. */
import type { Options, ValidateFunction } from "ajv";
import { lazy } from "../util/lazy.js";
import { ajvPackage } from "../util/packages.js";
import { PatternTimeoutError, schemaRegExp } from "./safe-regex.js";

// `pattern` runs on judged text: the same linear-time engine and time limit as regex checks.
export const SCHEMA_OPTIONS: Options = { strict: false, allErrors: false, code: { regExp: schemaRegExp } };
const ajv = lazy(() => new (ajvPackage().Ajv)(SCHEMA_OPTIONS));
type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; error: string };
const cache = new WeakMap<object, Compiled>();

function compile(schema: object): Compiled {
  try {
    return { ok: true, validate: ajv().compile(schema) };
  } catch {
    // Two different schemas with one `$id` clash in a shared instance; give this one its own.
    try {
      return { ok: true, validate: new (ajvPackage().Ajv)(SCHEMA_OPTIONS).compile(schema) };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }
}

/** null when the value matches; otherwise what is wrong, in one line. */
export function schemaProblem(schema: unknown, value: unknown): string | null {
  // Boolean schemas: `true` accepts everything, `false` nothing.
  if (schema === true) return null;
  if (schema === false) return "the schema `false` accepts no value";
  if (typeof schema !== "object" || schema === null) return "the schema is not a JSON Schema object";
  let c = cache.get(schema);
  if (!c) {
    c = compile(schema);
    cache.set(schema, c);
  }
  if (!c.ok) return `the schema does not compile: ${c.error}`;
  try {
    return c.validate(value) ? null : ajv().errorsText(c.validate.errors, { dataVar: "value" });
  } catch (err) {
    if (err instanceof PatternTimeoutError) return err.message;
    throw err;
  }
}
