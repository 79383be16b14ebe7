import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompactKeys, hashKeyEncoder } from "../../src/util/compact-keys.js";

describe("CompactKeys", () => {
  it("gives each new key the next index and finds it again, through many table growths", () => {
    const keys = new CompactKeys();
    for (let i = 0; i < 5000; i++) expect(keys.add(`r${i}`)).toBe(i);
    expect(keys.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(keys.indexOf(`r${i}`)).toBe(i);
    expect(keys.add("r42")).toBe(42);
    expect(keys.size).toBe(5000);
    expect(keys.has("r5000")).toBe(false);
    expect(keys.indexOf("")).toBe(-1);
  });

  it("compares keys by their bytes: prefixes, long keys and non-ASCII keys stay apart", () => {
    const keys = new CompactKeys();
    const long = "x".repeat(10_000);
    for (const k of ["", "a", "ab", "é", "e\u0301", "😀", long, `${long}y`]) keys.add(k);
    expect(keys.size).toBe(8);
    expect(keys.indexOf(long)).toBe(6);
    expect(keys.indexOf(`${long}y`)).toBe(7);
    expect(keys.indexOf("e\u0301")).toBe(4);
    expect(keys.has("x".repeat(9_999))).toBe(false);
    // Lone surrogates: UTF-8 would make both U+FFFD and so equal; they are different ids.
    keys.add("\ud800");
    expect(keys.indexOf("\ud801")).toBe(-1);
    expect(keys.indexOf("\ufffd")).toBe(-1);
    expect(keys.indexOf("\ud800")).toBe(8);
  });

  it("packs content hashes and keeps them apart from the same text as a plain key", () => {
    const keys = new CompactKeys(hashKeyEncoder);
    const hex = "0123456789abcdef".repeat(4);
    keys.add(`sha256:${hex}`);
    keys.add(hex);
    keys.add(`sha256:${hex.toUpperCase()}`); // not the canonical form: kept as text
    expect(keys.size).toBe(3);
    expect(keys.indexOf(`sha256:${hex}`)).toBe(0);
    expect(keys.indexOf(`sha256:${hex.slice(0, 63)}0`)).toBe(-1);
  });

  it("behaves as a Map from key to first insertion index (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.string({ unit: "grapheme", maxLength: 4 }),
            fc.string({ unit: "binary", maxLength: 3 }),
            fc.stringMatching(/^sha256:[0-9a-f]{64}$/),
          ),
        ),
        (list) => {
          const keys = new CompactKeys(hashKeyEncoder);
          const model = new Map<string, number>();
          for (const k of list) {
            if (!model.has(k)) model.set(k, model.size);
            expect(keys.add(k)).toBe(model.get(k));
          }
          expect(keys.size).toBe(model.size);
          for (const [k, i] of model) expect(keys.indexOf(k)).toBe(i);
        },
      ),
    );
  });
});
