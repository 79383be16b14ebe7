import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, prettyCanonicalJson } from "../../src/bundle/index.js";
import { reversedKeys as reversed } from "./fixtures.js";

// Keys that stress the order: any UTF-16 code unit (lone surrogates too), and integer-like
// keys that JavaScript enumerates before all others.
const key = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 4 }),
  fc.string({ unit: "binary", maxLength: 3 }),
  fc.constantFrom("0", "1", "9", "10", "01", "-1", "4294967294", "4294967295", "a", "A", "é"),
);
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: "binary" }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** Compare strings by UTF-16 code units, written out rather than trusting the default sort. */
function byCodeUnits(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** A slow, obviously correct JCS writer to hold the fast one against. */
function oracle(v: unknown, indent = "", step = ""): string {
  const nl = step ? "\n" : "";
  if (v === null || typeof v !== "object")
    return typeof v === "number" ? (Object.is(v, -0) ? "0" : String(v)) : JSON.stringify(v);
  const inner = indent + step;
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[${nl}${v.map((x) => inner + oracle(x, inner, step)).join(`,${nl}`)}${nl}${indent}]`;
  }
  const keys = Object.keys(v).sort(byCodeUnits);
  if (keys.length === 0) return "{}";
  const sepr = step ? ": " : ":";
  return (
    "{" +
    nl +
    keys
      .map((k) => inner + JSON.stringify(k) + sepr + oracle((v as Record<string, unknown>)[k], inner, step))
      .join(`,${nl}`) +
    nl +
    indent +
    "}"
  );
}

describe("canonical JSON, property tests", () => {
  it("matches a slow reference writer, compact and pretty", () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(canonicalJson(v)).toBe(oracle(v));
        expect(prettyCanonicalJson(v)).toBe(`${oracle(v, "", "  ")}\n`);
      }),
      { numRuns: 500 },
    );
  });

  it("does not depend on key insertion order, and parses back to the same canonical text", () => {
    fc.assert(
      fc.property(json, (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(reversed(v))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(canonicalJson(JSON.parse(prettyCanonicalJson(v)))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
