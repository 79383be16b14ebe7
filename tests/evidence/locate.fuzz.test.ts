import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locateQuote, normalize, normalizeQuote, prepareText } from "../../src/evidence/index.js";

const textArb = fc.string({ unit: fc.constantFrom(..."abc d\u2019e\u2014f\u00a0G\n😀.…".split("")), minLength: 1, maxLength: 200 });

describe("locateQuote properties", () => {
  it("finds any substring exactly at the right offsets", () => {
    fc.assert(fc.property(textArb, fc.nat(), fc.nat(), (text, a, b) => {
      const start = a % text.length;
      const quote = text.slice(start, start + 1 + (b % 40));
      if (quote.trim() === "") return;
      const m = locateQuote(prepareText(text), quote, { fuzzyThreshold: 0.9 });
      expect(m.match).toBe("exact");
      expect(text.slice(m.start, m.end)).toBe(quote);
    }), { numRuns: 500 });
  });

  it("reports normalised matches whose original span normalises to contain the quote", () => {
    fc.assert(fc.property(textArb, fc.string({ unit: fc.constantFrom(..."abcdeg .".split("")), minLength: 1, maxLength: 12 }), (text, quote) => {
      const m = locateQuote(prepareText(text), quote, { fuzzyThreshold: 0.9 });
      const nq = normalizeQuote(quote);
      if (m.match === "normalized" && !nq.includes("...")) {
        expect(normalize(text.slice(m.start, m.end)).text).toContain(nq.trim());
      }
      if (m.match === "exact" || m.match === "normalized") {
        // Whatever matched must be present in the text in normalised form.
        for (const seg of nq.split("...").map((s) => s.trim()).filter(Boolean)) expect(normalize(text).text).toContain(seg);
      }
    }), { numRuns: 500 });
  });
});
