import { describe, expect, it } from "vitest";
import { locateQuote, prepareText, verifyEvidence } from "../../src/evidence/index.js";

const TEXT = "The patient reported chest pain radiating to the left arm.  She was told to call 911 \u2014 not to wait.\nHer doctor said \u201cdo not drive yourself\u201d to the hospital.";
const at = (q: string, t = TEXT) => locateQuote(prepareText(t), q, { fuzzyThreshold: 0.8 });
const slice = (m: { start?: number; end?: number }, t = TEXT) => t.slice(m.start, m.end);

describe("locateQuote", () => {
  it("finds exact quotes at their offsets", () => {
    const m = at("chest pain radiating");
    expect(m.match).toBe("exact");
    expect(slice(m)).toBe("chest pain radiating");
  });

  it("matches across whitespace, case, curly quotes and dashes, reporting original offsets", () => {
    const m = at('She was told to call 911 - not to wait. her doctor said "do not drive');
    expect(m.match).toBe("normalized");
    expect(slice(m)).toBe("She was told to call 911 \u2014 not to wait.\nHer doctor said \u201cdo not drive");
  });

  it("treats an ellipsis as elided text, matching the parts in order", () => {
    const m = at("The patient reported … to call 911");
    expect(m.match).toBe("normalized");
    expect(slice(m)).toBe("The patient reported chest pain radiating to the left arm.  She was told to call 911");
    expect(at("to call 911 ... The patient reported").match).toBe("none");
  });

  it("accepts a near-verbatim quote as fuzzy with its similarity", () => {
    const m = at("reported chest pains radiating to the left arm");
    expect(m.match).toBe("fuzzy");
    expect(m.similarity).toBeCloseTo(7 / 8, 3);
    expect(slice(m)).toBe("reported chest pain radiating to the left arm");
  });

  it("rejects a quote whose negation was dropped when the threshold is strict", () => {
    const m = locateQuote(prepareText(TEXT), "her doctor said do drive yourself to the hospital", { fuzzyThreshold: 0.9 });
    expect(m.match).toBe("none");
  });

  it("never verifies invented or shuffled text", () => {
    expect(at("The patient denied any chest pain at all").match).toBe("none");
    expect(at("arm left the to radiating pain chest reported").match).toBe("none");
    expect(at("").match).toBe("none");
    expect(at("is").match).toBe("none");
  });

  it("returns the first of two occurrences", () => {
    const t = "yes and no. yes and no.";
    const m = at("yes and no", t);
    expect(m.start).toBe(0);
  });

  it("keeps offsets right after astral characters", () => {
    const t = "Emoji 😀 then \u201cQuoted words here now\u201d end";
    const m = at('"quoted words here now"', t);
    expect(m.match).toBe("normalized");
    expect(slice(m, t)).toBe("Quoted words here now");
  });

  it("finishes promptly on a long text with a long, absent quote", () => {
    const big = "lorem ipsum dolor sit amet ".repeat(200_000);
    const quote = "lorem ipsum dolor sit amet consectetur ".repeat(12);
    const m = locateQuote(prepareText(big), quote, { fuzzyThreshold: 0.9 });
    expect(m.match === "none" || m.match === "fuzzy").toBe(true);
  });
});

describe("verifyEvidence", () => {
  const inputs = { response: prepareText(TEXT), source: prepareText("An unrelated source article.") };
  const rule = { min_quotes: 1, max_quotes: 2, max_words: 8, from: ["response"] };

  it("verifies quotes in allowed inputs and says why others fail", () => {
    const r = verifyEvidence([
      { quote: "chest pain radiating", input: "response" },
      { quote: "An unrelated source", input: "source" },
      { quote: "She was told to call 911 \u2014 not to wait. Her doctor", input: "response" },
    ], inputs, rule, { fuzzyThreshold: 0.9 });
    expect(r.entries.map((e) => e.verified)).toEqual([true, false, false]);
    expect(r.entries[1]!.reason).toMatch(/not one evidence may come from/);
    expect(r.entries[2]!.reason).toBe("longer than 8 words");
    expect(r.satisfied).toBe(false);
    expect(r.reasons).toEqual(["3 quotes cited, at most 2 allowed"]);
  });

  it("is unsatisfied when fewer quotes verify than required", () => {
    const r = verifyEvidence([{ quote: "made up words entirely here" }], inputs, rule, { fuzzyThreshold: 0.9 });
    expect(r.satisfied).toBe(false);
    expect(r.reasons[0]).toMatch(/0 of the 1 required quote verified/);
  });
});
