/**
 * Canonical JSON (RFC 8785 / JCS): keys sorted by UTF-16 code units, no insignificant
 * whitespace, numbers in ECMAScript's shortest round-trip form. Every hash in rulers (bundles,
 * imported parts, calibrators, cache keys) is taken over this form, so formatting never moves a hash.
 */
import { createHash } from "node:crypto";

/** Deeper than any rubric needs; past it we assume a cycle rather than track ancestors. */
const MAX_DEPTH = 512;

function fail(what: string): never {
  throw new TypeError(`cannot write canonical JSON: ${what}`);
}

// Hot path for bundle hashing (tens of MB): plain string concatenation (V8 ropes) and no
// per-node bookkeeping; paths are not tracked, errors name the offending value instead.
function compact(value: unknown, depth: number): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) fail(`non-finite number ${value}`);
      return Object.is(value, -0) ? "0" : String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      if (depth > MAX_DEPTH) fail("nesting deeper than 512 levels (a cycle?)");
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += (i ? "," : "") + compact(value[i], depth + 1);
        return `${out}]`;
      }
      const obj = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is exactly what JCS asks for.
      const keys = Object.keys(obj).sort();
      let out = "{";
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        out += `${(first ? "" : ",") + JSON.stringify(k)}:${compact(v, depth + 1)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return fail(`a value of type ${typeof value}`);
  }
}

function pretty(value: unknown, depth: number): string {
  if (value === null || typeof value !== "object") return compact(value, depth);
  if (depth > MAX_DEPTH) fail("nesting deeper than 512 levels (a cycle?)");
  const pad = `\n${"  ".repeat(depth + 1)}`;
  const close = `\n${"  ".repeat(depth)}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + pad + pretty(value[i], depth + 1);
    return `${out + close}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined);
  if (keys.length === 0) return "{}";
  let out = "{";
  keys.forEach((k, i) => {
    out += `${(i ? "," : "") + pad + JSON.stringify(k)}: ${pretty(obj[k], depth + 1)}`;
  });
  return `${out + close}}`;
}

/** Compact canonical JSON: the form hashes are taken over. Undefined object fields are omitted. */
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;
const SLOW_PATH = Symbol("slow path");

/**
 * Native JSON.stringify does the escaping and number formatting exactly as JCS does; the
 * replacer only hands it objects with sorted keys. Objects with integer-like keys defeat that
 * (JavaScript always enumerates those first, numerically), so they send the whole value down
 * the hand-written path instead.
 */
function sortedReplacer(_key: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) fail(`non-finite number ${v}`);
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) throw SLOW_PATH;
    if (i > 0 && keys[i - 1]! > k) sorted = false;
  }
  if (sorted) return v;
  // Null prototype: on a plain object, assigning `__proto__` sets the prototype instead of a
  // field, and the key would silently vanish from the hashed text.
  const out: Record<string, unknown> = Object.create(null);
  for (const k of keys.sort()) out[k] = (v as Record<string, unknown>)[k];
  return out;
}

export function canonicalJson(value: unknown): string {
  if (typeof value === "function" || typeof value === "bigint" || typeof value === "symbol" || value === undefined)
    fail(`a value of type ${typeof value}`);
  try {
    return JSON.stringify(value, sortedReplacer);
  } catch (err) {
    if (err === SLOW_PATH) return compact(value, 0);
    if (err instanceof TypeError && /circular/i.test(err.message)) fail("a cycle");
    throw err;
  }
}

/** The same key order, indented two spaces with a final newline: for files people read and diff. */
export function prettyCanonicalJson(value: unknown): string {
  try {
    return `${JSON.stringify(value, sortedReplacer, 2)}\n`;
  } catch (err) {
    if (err === SLOW_PATH) return `${pretty(value, 0)}\n`;
    if (err instanceof TypeError && /circular/i.test(err.message)) fail("a cycle");
    throw err;
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `sha256:<hex>` over the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}
