/**
 * Canonical JSON (RFC 8785 / JCS) for bundles, refusing anything that is not plain JSON data.
 *
 * The writer itself is `util/canonical.ts`, shared with the stages that hash before a bundle
 * exists (compile pins parts with it). That writer is lenient where JSON.stringify is: it turns
 * `undefined` and functions inside arrays into `null`, drops functions from objects, calls
 * `toJSON`, writes a Map as `{}`, and overflows the stack on some cycles. A bundle hash must
 * never silently cover something other than what was given, so bundles check first and name the
 * offending place. For plain JSON data both give the same text, hence the same hashes.
 */
import { canonicalJson as writeCompact, prettyCanonicalJson as writePretty } from "../util/canonical.js";

export class CanonicalJsonError extends TypeError {
  constructor(
    readonly where: string,
    what: string,
  ) {
    super(`cannot write canonical JSON: ${what} at \`${where}\`; only plain JSON data can be hashed`);
    this.name = "CanonicalJsonError";
  }
}

function where(path: readonly (string | number)[]): string {
  let out = "$";
  for (const p of path)
    out += typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return out;
}

/**
 * Throws unless `value` is plain JSON data: null, booleans, finite numbers, strings, arrays and
 * plain objects, without cycles. Object fields that are `undefined` are allowed (and omitted
 * when written), as TypeScript's optional fields produce them.
 */
export function assertJsonValue(value: unknown): void {
  const path: (string | number)[] = [];
  const open = new Set<object>();
  const visit = (v: unknown): void => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return;
      case "number":
        if (!Number.isFinite(v)) throw new CanonicalJsonError(where(path), `the non-finite number ${v}`);
        return;
      case "object": {
        if (v === null) return;
        if (open.has(v)) throw new CanonicalJsonError(where(path), "a cycle");
        open.add(v);
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            path.push(i);
            // A hole or undefined would be written as null: say so rather than guess.
            if (!(i in v) || v[i] === undefined) throw new CanonicalJsonError(where(path), "`undefined` in an array");
            visit(v[i]);
            path.pop();
          }
        } else {
          const proto = Object.getPrototypeOf(v) as unknown;
          if (proto !== Object.prototype && proto !== null) {
            throw new CanonicalJsonError(where(path), `a ${(v as object).constructor?.name ?? "non-plain"} object`);
          }
          for (const k of Object.keys(v)) {
            const x = (v as Record<string, unknown>)[k];
            if (x === undefined) continue;
            path.push(k);
            visit(x);
            path.pop();
          }
        }
        open.delete(v);
        return;
      }
      default:
        throw new CanonicalJsonError(where(path), `a value of type ${typeof v}`);
    }
  };
  visit(value);
}

/** Compact canonical JSON: the text a bundle's hash is taken over. */
export function canonicalJson(value: unknown): string {
  assertJsonValue(value);
  return writeCompact(value);
}

/** The same key order, indented two spaces with a final newline: bundle.json and lock files. */
export function prettyCanonicalJson(value: unknown): string {
  assertJsonValue(value);
  return writePretty(value);
}
