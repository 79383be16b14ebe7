import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countWords, WORD, wordsOf } from "../../src/evidence/tokens.js";

// The scanner stands in for the WORD regex on the hot path; the regex is the definition.
const byRegex = (s: string) => [...s.matchAll(WORD)].map((m) => m[0]);
const text = fc.string({
  unit: fc.constantFrom("a", "Z", "9", "é", "e\u0301", "'", "-", " ", "\u201c", "…", "😀", "\u0663", "ß", ".", "\n"),
  maxLength: 40,
});

describe("word counting", () => {
  it("counts what the WORD pattern matches, on any text", () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: "grapheme" })), (s) => {
        expect(countWords(s)).toBe(byRegex(s).length);
        expect(wordsOf(s)).toEqual(byRegex(s));
      }),
    );
    expect(countWords("don't stop—well-known café 42")).toBe(6);
    expect(countWords("'' … --")).toBe(0);
  });
});
