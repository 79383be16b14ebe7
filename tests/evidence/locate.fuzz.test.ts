import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locateQuote, normalize, normalizeQuote, prepareText } from "../../src/evidence/index.js";

/** Units chosen to stress the offset maps: marks, ligatures, case that changes length, astral. */
const UNITS = [..."abc dE\u2019\u201c\u2014f\u00a0G\n.\u2026\u0301\ufb01\uff21\u0130\u00df\u200b"].concat([
  "\ud83d\ude00",
]);
const textArb = fc.array(fc.constantFrom(...UNITS), { minLength: 1, maxLength: 120 }).map((a) => a.join(""));
const opts = { fuzzyThreshold: 0.9 };
/** A quote made only of spaces, quote marks and ellipses has nothing to find. */
const isEmptyQuote = (q: string) => /^[\s"']*$/.test(normalizeQuote(q).replace(/[[(]?\.(?:\s?\.){2,}[\])]?/g, ""));

/** Widens [start, end) so it cuts neither a surrogate pair nor a letter from its marks. */
function wholeCharacters(text: string, start: number, end: number): [number, number] {
  const inside = (i: number) =>
    i > 0 && i < text.length && (/^\p{M}/u.test(text.slice(i, i + 2)) || (text.charCodeAt(i) & 0xfc00) === 0xdc00);
  while (inside(start)) start--;
  while (inside(end)) end++;
  return [start, end];
}

describe("locateQuote properties", () => {
  it("finds any substring of whole characters exactly, at or before where it was taken", () => {
    fc.assert(
      fc.property(textArb, fc.nat(), fc.nat(), (text, a, b) => {
        const [start, end] = wholeCharacters(
          text,
          a % text.length,
          Math.min(text.length, (a % text.length) + 1 + (b % 40)),
        );
        const quote = text.slice(start, end);
        const m = locateQuote(prepareText(text), quote, opts);
        if (isEmptyQuote(quote)) {
          expect(m.match).toBe("none");
          return;
        }
        expect(m.match).toBe("exact");
        expect(m.start).toBeLessThanOrEqual(start); // the first whole occurrence
        expect(text.slice(m.start, m.end)).toBe(quote);
      }),
      { numRuns: 1000 },
    );
  });

  it("never matches exactly or after normalisation a quote whose normalised form is not in the text", () => {
    // no dots: a quote with an ellipsis may legitimately match as parts
    const quoteArb = fc
      .array(fc.constantFrom(..."abcdEG \u2019\u201c\u2014\u00a0"), { minLength: 1, maxLength: 10 })
      .map((a) => a.join(""));
    fc.assert(
      fc.property(textArb, quoteArb, (text, quote) => {
        const m = locateQuote(prepareText(text), quote, opts);
        if (!normalize(text).text.includes(normalizeQuote(quote)))
          expect(["exact", "normalized"]).not.toContain(m.match);
      }),
      { numRuns: 1000 },
    );
  });

  it("reports normalised matches whose original span normalises to contain the quote", () => {
    const quoteArb = fc
      .array(fc.constantFrom(..."abcEG \u2019\"'-\u00a0\u0301\ufb01\u0130"), { minLength: 1, maxLength: 8 })
      .map((a) => a.join(""));
    fc.assert(
      fc.property(textArb, quoteArb, (text, quote) => {
        const m = locateQuote(prepareText(text), quote, opts);
        if (m.match !== "normalized") return;
        expect(m.start).toBeGreaterThanOrEqual(0);
        expect(m.end).toBeGreaterThan(m.start!);
        expect(m.end).toBeLessThanOrEqual(text.length);
        expect(normalize(text.slice(m.start, m.end)).text).toContain(normalizeQuote(quote));
      }),
      { numRuns: 1000 },
    );
  });

  it("finds a quote with a few words replaced, within the threshold, at the passage it came from", () => {
    // letters only: a word with a digit counts as a number, which fuzzy matching must keep
    const vocabulary = Array.from(
      { length: 60 },
      (_, i) => `w${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`,
    );
    const arb = fc.record({
      words: fc.array(fc.constantFrom(...vocabulary), { minLength: 50, maxLength: 400 }),
      start: fc.nat(),
      length: fc.integer({ min: 10, max: 40 }),
      edits: fc.array(fc.nat(), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(arb, ({ words, start, length, edits }) => {
        const from = start % (words.length - length);
        const quoteWords = words.slice(from, from + length);
        const changed = new Set(edits.map((e) => e % length));
        for (const i of changed) quoteWords[i] = "invented";
        const threshold = 0.9;
        const m = locateQuote(prepareText(words.join(" ")), quoteWords.join(" "), { fuzzyThreshold: threshold });
        if (changed.size === 0) {
          expect(m.match).toBe("exact");
          return;
        }
        if (1 - changed.size / length < threshold) return;
        expect(m.match).toBe("fuzzy");
        // the best match is at least as good as the passage the quote came from
        expect(m.similarity).toBeGreaterThanOrEqual(1 - changed.size / length);
      }),
      { numRuns: 300 },
    );
  });

  it("only ever reports fuzzy matches at or above the threshold, inside the text", () => {
    const wordArb = fc.constantFrom("the", "cat", "sat", "on", "mat", "not", "a", "dog", "ran", "7", "far");
    const arb = fc.record({
      text: fc.array(wordArb, { minLength: 5, maxLength: 200 }).map((w) => w.join(" ")),
      quote: fc.array(wordArb, { minLength: 3, maxLength: 20 }).map((w) => w.join(" ")),
      threshold: fc.double({ min: 0.5, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, ({ text, quote, threshold }) => {
        const m = locateQuote(prepareText(text), quote, { fuzzyThreshold: threshold });
        if (m.match !== "fuzzy") return;
        expect(m.similarity).toBeGreaterThanOrEqual(threshold - 1e-9);
        expect(m.start).toBeGreaterThanOrEqual(0);
        expect(m.end).toBeLessThanOrEqual(text.length);
        // negations and numbers are kept: the matched span has the same count of each
        const count = (s: string, w: string) => s.split(/\W+/).filter((x) => x === w).length;
        const span = text.slice(m.start, m.end);
        for (const w of ["not", "7"]) expect(count(span, w)).toBe(count(quote, w));
      }),
      { numRuns: 1000 },
    );
  });
});
