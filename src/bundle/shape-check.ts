/**
 * A yes/no check of a value against a JSON Schema, for the schema of bundle files that
 * scripts/bundle-schema.ts generates from the zod schemas (file-schema.ts). Reading a bundle
 * used to load zod and build its schemas on every run, about a third of a one-row `rulers
 * judge` run's start-up CPU (issue 21); this check is a few closures over a 10 KB object. It
 * only ever says yes for a value zod accepts too (tests/bundle/shape-check.test.ts fuzzes that):
 * on no, file.ts asks zod, which names the field that is wrong.
 *
 * Only the keywords that schema uses are compiled; any other makes `compileShape` return null,
 * and every read then goes to zod.
 */

type Check = (value: unknown) => boolean;
type Schema = Record<string, unknown>;

const NOTES = new Set(["$schema", "$id", "title", "description"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function typeCheck(type: string): Check | null {
  switch (type) {
    case "object":
      return isObject;
    case "array":
      return Array.isArray;
    case "string":
      return (v) => typeof v === "string";
    case "number":
      return (v) => typeof v === "number" && Number.isFinite(v);
    case "integer":
      return (v) => typeof v === "number" && Number.isInteger(v);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "null":
      return (v) => v === null;
    default:
      return null;
  }
}

const isScalar = (v: unknown) => v === null || typeof v !== "object";

class Unsupported extends Error {}

function compileWith(root: Schema): Check {
  const definitions = isObject(root.definitions) ? root.definitions : {};
  const refs = new Map<string, Check>();

  function ref(target: unknown): Check {
    const name = typeof target === "string" && /^#\/definitions\/([^/~]+)$/.exec(target)?.[1];
    if (!name || !isObject(definitions[name])) throw new Unsupported();
    let c = refs.get(name);
    if (!c) {
      // Recursive definitions (a gate's condition holds conditions) resolve on first call.
      let compiled: Check | null = null;
      c = (v) => {
        if (compiled === null) compiled = node(definitions[name]);
        return compiled(v);
      };
      refs.set(name, c);
    }
    return c;
  }

  function node(schema: unknown): Check {
    if (schema === true) return () => true;
    if (schema === false) return () => false;
    if (!isObject(schema)) throw new Unsupported();
    const checks: Check[] = [];
    for (const [k, v] of Object.entries(schema)) {
      if (NOTES.has(k) || k === "definitions") continue;
      switch (k) {
        case "$ref":
          checks.push(ref(v));
          break;
        case "type": {
          const types = (Array.isArray(v) ? v : [v]).map((t) => (typeof t === "string" ? typeCheck(t) : null));
          if (types.some((t) => t === null)) throw new Unsupported();
          const ts = types as Check[];
          checks.push(ts.length === 1 ? ts[0]! : (x) => ts.some((t) => t(x)));
          break;
        }
        case "const":
          if (!isScalar(v)) throw new Unsupported();
          checks.push((x) => x === v);
          break;
        case "enum": {
          if (!Array.isArray(v) || !v.every(isScalar)) throw new Unsupported();
          const set = new Set<unknown>(v);
          checks.push((x) => isScalar(x) && set.has(x));
          break;
        }
        case "pattern": {
          if (typeof v !== "string") throw new Unsupported();
          const re = new RegExp(v, "u");
          checks.push((x) => typeof x !== "string" || re.test(x));
          break;
        }
        case "minLength":
          if (typeof v !== "number") throw new Unsupported();
          // Code points, as JSON Schema counts: never fewer than zod's UTF-16 units, so never laxer.
          checks.push((x) => typeof x !== "string" || [...x].length >= v);
          break;
        case "minimum":
        case "maximum":
        case "exclusiveMinimum":
        case "exclusiveMaximum": {
          if (typeof v !== "number") throw new Unsupported();
          const ok =
            k === "minimum"
              ? (n: number) => n >= v
              : k === "maximum"
                ? (n: number) => n <= v
                : k === "exclusiveMinimum"
                  ? (n: number) => n > v
                  : (n: number) => n < v;
          checks.push((x) => typeof x !== "number" || ok(x));
          break;
        }
        case "minItems":
        case "maxItems": {
          if (typeof v !== "number") throw new Unsupported();
          checks.push(
            k === "minItems" ? (x) => !Array.isArray(x) || x.length >= v : (x) => !Array.isArray(x) || x.length <= v,
          );
          break;
        }
        case "items": {
          if (Array.isArray(v)) {
            const each = v.map(node);
            const extra = schema.additionalItems === undefined ? () => true : node(schema.additionalItems);
            checks.push(
              (x) => !Array.isArray(x) || x.every((item, i) => (i < each.length ? each[i]!(item) : extra(item))),
            );
          } else {
            const each = node(v);
            checks.push((x) => !Array.isArray(x) || x.every(each));
          }
          break;
        }
        case "additionalItems":
          if (!Array.isArray(schema.items)) throw new Unsupported();
          break;
        case "properties": {
          if (!isObject(v)) throw new Unsupported();
          const props = Object.entries(v).map(([name, s]) => [name, node(s)] as const);
          checks.push((x) => {
            if (!isObject(x)) return true;
            for (const [name, c] of props) if (Object.hasOwn(x, name) && !c(x[name])) return false;
            return true;
          });
          break;
        }
        case "required": {
          if (!Array.isArray(v) || !v.every((r) => typeof r === "string")) throw new Unsupported();
          checks.push((x) => !isObject(x) || v.every((r: string) => Object.hasOwn(x, r)));
          break;
        }
        case "additionalProperties": {
          const known = new Set(isObject(schema.properties) ? Object.keys(schema.properties) : []);
          const rest = node(v);
          checks.push((x) => {
            if (!isObject(x)) return true;
            for (const key of Object.keys(x)) if (!known.has(key) && !rest(x[key])) return false;
            return true;
          });
          break;
        }
        case "propertyNames": {
          const name = node(v);
          checks.push((x) => !isObject(x) || Object.keys(x).every(name));
          break;
        }
        case "anyOf":
        case "oneOf": {
          if (!Array.isArray(v) || v.length === 0) throw new Unsupported();
          const options = v.map(node);
          checks.push(
            k === "anyOf"
              ? (x) => options.some((o) => o(x))
              : (x) => options.reduce((n, o) => n + (o(x) ? 1 : 0), 0) === 1,
          );
          break;
        }
        default:
          throw new Unsupported();
      }
    }
    return (x) => {
      for (const c of checks) if (!c(x)) return false;
      return true;
    };
  }

  const check = node(root);
  // Resolve every definition now, so an unsupported keyword anywhere is found before any use.
  for (const name of Object.keys(definitions)) node(definitions[name]);
  return check;
}

/** A yes/no check for `schema`, or null when it uses a keyword compiled nowhere here. */
export function compileShape(schema: Schema): Check | null {
  try {
    return compileWith(schema);
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}
