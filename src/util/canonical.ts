/**
 * Canonical JSON (RFC 8785 / JCS): keys sorted by UTF-16 code units, no insignificant
 * whitespace, numbers in ECMAScript's shortest round-trip form. Every hash in rulers (bundles,
 * imported parts, calibrators, cache keys) is taken over this form, so formatting never moves a hash.
 */
import { createHash } from "node:crypto";

function fail(path: string, what: string): never {
  throw new TypeError(`cannot write canonical JSON: ${what} at ${path || "the top level"}`);
}

function write(value: unknown, out: string[], path: string, seen: Set<object>, indent: string | null, depth: number): void {
  switch (typeof value) {
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
      if (!Number.isFinite(value)) fail(path, `non-finite number ${value}`);
      out.push(Object.is(value, -0) ? "0" : String(value));
      return;
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "object": {
      if (value === null) {
        out.push("null");
        return;
      }
      if (seen.has(value)) fail(path, "a cycle");
      seen.add(value);
      const nl = indent === null ? "" : "\n" + indent.repeat(depth + 1);
      const close = indent === null ? "" : "\n" + indent.repeat(depth);
      const colon = indent === null ? ":" : ": ";
      if (Array.isArray(value)) {
        if (value.length === 0) out.push("[]");
        else {
          out.push("[");
          for (let i = 0; i < value.length; i++) {
            if (i) out.push(",");
            out.push(nl);
            write(value[i], out, `${path}[${i}]`, seen, indent, depth + 1);
          }
          out.push(close, "]");
        }
      } else {
        // Default sort compares UTF-16 code units, which is exactly what JCS asks for.
        const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
        if (keys.length === 0) out.push("{}");
        else {
          out.push("{");
          keys.forEach((k, i) => {
            if (i) out.push(",");
            out.push(nl, JSON.stringify(k), colon);
            write((value as Record<string, unknown>)[k], out, `${path}.${k}`, seen, indent, depth + 1);
          });
          out.push(close, "}");
        }
      }
      seen.delete(value);
      return;
    }
    default:
      fail(path, `a value of type ${typeof value}`);
  }
}

/** Compact canonical JSON: the form hashes are taken over. Undefined object fields are omitted. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, "", new Set(), null, 0);
  return out.join("");
}

/** The same key order, indented two spaces with a final newline: for files people read and diff. */
export function prettyCanonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, "", new Set(), "  ", 0);
  out.push("\n");
  return out.join("");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `sha256:<hex>` over the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return "sha256:" + sha256Hex(canonicalJson(value));
}
