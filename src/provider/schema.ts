/**
 * The bundle's answer schema in each provider's dialect. Providers accept different subsets of
 * JSON Schema; a constraint a provider cannot enforce while decoding is dropped here and listed
 * (ajv still checks the answer against the bundle's own schema, so nothing is lost but the
 * guarantee), while a structure it cannot express at all is an error that names the keyword and
 * where it is, before any call is made.
 */
import { RulersError } from "../util/errors.js";

type Schema = Record<string, unknown>;

export type Dialect = "openai" | "anthropic" | "gemini" | "gemini-openapi";

export interface SchemaNote {
  /** JSON Pointer into the bundle's answer schema. */
  readonly path: string;
  readonly keyword: string;
}

export interface Translated {
  readonly schema: Schema;
  /** Constraints the provider does not enforce; the answer is still validated against them. */
  readonly loosened: readonly SchemaNote[];
}

const DIALECT_NAME: Record<Dialect, string> = {
  openai: "OpenAI strict structured outputs",
  anthropic: "Anthropic structured outputs",
  gemini: "Gemini responseJsonSchema",
  "gemini-openapi": "Gemini responseSchema (OpenAPI subset)",
};

export class SchemaDialectError extends RulersError {
  override readonly code: string = "schema_dialect";
  constructor(
    readonly dialect: Dialect,
    readonly problems: readonly (SchemaNote & { why: string })[],
  ) {
    super(
      `${DIALECT_NAME[dialect]} cannot express the answer schema: ${problems
        .slice(0, 5)
        .map((p) => `\`${p.keyword}\` at ${p.path} (${p.why})`)
        .join("; ")}; use --format json (the answer is validated against the schema afterwards) or another provider`,
    );
    this.name = "SchemaDialectError";
  }
}

interface Rules {
  /** Kept as is. */
  readonly keep: ReadonlySet<string>;
  /** Dropped and listed: the provider cannot enforce them, ajv still does. */
  readonly loosen: ReadonlySet<string>;
  /** Anything else is an error. */
}

const ANNOTATIONS = ["description", "title", "default", "examples", "$comment"];
const RULES: Record<Dialect, Rules> = {
  openai: {
    keep: new Set([
      ...ANNOTATIONS,
      "type",
      "properties",
      "required",
      "additionalProperties",
      "items",
      "enum",
      "const",
      "anyOf",
      "$defs",
      "$ref",
      "minItems",
      "maxItems",
      "minimum",
      "maximum",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "multipleOf",
      "pattern",
      "format",
    ]),
    loosen: new Set(["minLength", "maxLength", "uniqueItems", "minProperties", "maxProperties"]),
  },
  // Anthropic compiles the schema into a grammar: no numeric, length or count bounds beyond minItems 0/1.
  anthropic: {
    keep: new Set([
      ...ANNOTATIONS,
      "type",
      "properties",
      "required",
      "additionalProperties",
      "items",
      "enum",
      "const",
      "anyOf",
      "allOf",
      "$defs",
      "$ref",
      "format",
      "pattern",
    ]),
    loosen: new Set([
      "minItems",
      "maxItems",
      "minimum",
      "maximum",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "multipleOf",
      "minLength",
      "maxLength",
      "uniqueItems",
      "minProperties",
      "maxProperties",
    ]),
  },
  gemini: {
    keep: new Set([
      ...ANNOTATIONS,
      "type",
      "properties",
      "required",
      "additionalProperties",
      "items",
      "prefixItems",
      "enum",
      "const",
      "anyOf",
      "oneOf",
      "$defs",
      "$ref",
      "$id",
      "$anchor",
      "format",
      "minItems",
      "maxItems",
      "minimum",
      "maximum",
    ]),
    loosen: new Set([
      "exclusiveMinimum",
      "exclusiveMaximum",
      "multipleOf",
      "minLength",
      "maxLength",
      "pattern",
      "uniqueItems",
      "minProperties",
      "maxProperties",
    ]),
  },
  // The older OpenAPI 3.0 subset: no $ref, no closed objects, enums of strings only.
  "gemini-openapi": {
    keep: new Set([
      "description",
      "title",
      "type",
      "properties",
      "required",
      "items",
      "enum",
      "anyOf",
      "format",
      "minItems",
      "maxItems",
      "minimum",
      "maximum",
      "nullable",
    ]),
    loosen: new Set([
      "additionalProperties",
      "default",
      "examples",
      "$comment",
      "exclusiveMinimum",
      "exclusiveMaximum",
      "multipleOf",
      "minLength",
      "maxLength",
      "pattern",
      "uniqueItems",
      "minProperties",
      "maxProperties",
    ]),
  },
};

// Keywords whose value is a map of sub-schemas, a list of them, or one of them.
const MAP_OF = new Set(["properties", "$defs"]);
const LIST_OF = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
const ONE_OF = new Set(["items", "additionalProperties"]);

const pointer = (path: string, key: string) => `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;

/** The answer schema translated into one provider's dialect; throws SchemaDialectError. */
export function translateSchema(schema: Schema, dialect: Dialect): Translated {
  const rules = RULES[dialect];
  const loosened: SchemaNote[] = [];
  const problems: (SchemaNote & { why: string })[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
    const out: Schema = {};
    for (const [k, v] of Object.entries(node as Schema)) {
      if (rules.loosen.has(k)) {
        // Anthropic does enforce minItems of 0 or 1.
        if (dialect === "anthropic" && k === "minItems" && (v === 0 || v === 1)) out[k] = v;
        else loosened.push({ path, keyword: k });
        continue;
      }
      if (!rules.keep.has(k)) {
        problems.push({ path, keyword: k, why: "not supported" });
        continue;
      }
      if (MAP_OF.has(k) && v && typeof v === "object")
        out[k] = Object.fromEntries(
          Object.entries(v as Schema).map(([name, sub]) => [name, walk(sub, pointer(pointer(path, k), name))]),
        );
      else if (LIST_OF.has(k) && Array.isArray(v))
        out[k] = v.map((sub, i) => walk(sub, pointer(pointer(path, k), String(i))));
      else if (ONE_OF.has(k) && v && typeof v === "object") out[k] = walk(v, pointer(path, k));
      else out[k] = v;
    }
    if (dialect === "gemini-openapi") return toOpenApi(out, path, loosened, problems);
    if (dialect === "openai" || dialect === "anthropic") {
      // Both want every object closed; an open object is a shape they cannot express.
      if (out.type === "object" && out.additionalProperties !== false && out.properties !== undefined)
        problems.push({ path, keyword: "additionalProperties", why: "objects must be closed (false)" });
    }
    return out;
  };
  const translated = walk(schema, "#") as Schema;
  if (problems.length) throw new SchemaDialectError(dialect, problems);
  return { schema: translated, loosened };
}

/** OpenAPI 3.0 specifics: upper-case types, string-only enums, the key order pinned by `required`. */
function toOpenApi(
  node: Schema,
  path: string,
  loosened: SchemaNote[],
  problems: (SchemaNote & { why: string })[],
): Schema {
  if (Array.isArray(node.type)) {
    problems.push({ path, keyword: "type", why: "a list of types" });
    return node;
  }
  if (typeof node.type === "string") {
    if (Array.isArray(node.enum) && node.type !== "string") {
      // Enums of numbers cannot be sent; the allowed values go in the description instead.
      loosened.push({ path, keyword: "enum" });
      const values = (node.enum as unknown[]).map(String).join(", ");
      node.description = `${typeof node.description === "string" ? `${node.description}. ` : ""}One of: ${values}`;
      delete node.enum;
    }
    node.type = node.type.toUpperCase();
  }
  if (node.properties && Array.isArray(node.required)) node.propertyOrdering = [...(node.required as string[])];
  return node;
}
