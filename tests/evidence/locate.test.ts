import { describe, expect, it } from "vitest";
import { locateQuote, prepareText, type QuoteMatch } from "../../src/evidence/index.js";

const TEXT =
  "The patient reported chest pain radiating to the left arm.  She was told to call 911 \u2014 not to wait.\n" +
  "Her doctor said \u201cdo not drive yourself\u201d to the hospital.";
const at = (q: string, t = TEXT, fuzzyThreshold = 0.8) => locateQuote(prepareText(t), q, { fuzzyThreshold });
const slice = (m: QuoteMatch, t = TEXT) => t.slice(m.start, m.end);

describe("locateQuote: exact", () => {
  it("finds a verbatim quote at its offsets with similarity 1", () => {
    const m = at("chest pain radiating");
    expect(m).toEqual({ match: "exact", start: 21, end: 41, similarity: 1 });
    expect(slice(m)).toBe("chest pain radiating");
  });

  it("reports the first of two occurrences", () => {
    const t = "Yes and no. yes and no. Yes and no.";
    expect(at("Yes and no", t)).toMatchObject({ match: "exact", start: 0 });
    expect(at("yes and no", t)).toMatchObject({ match: "exact", start: 12 });
    expect(at("YES AND NO", t)).toMatchObject({ match: "normalized", start: 0, end: 10 });
  });

  it("honours a minimum quote length for every kind of match", () => {
    const p = prepareText("This is it.");
    expect(locateQuote(p, "is", { fuzzyThreshold: 0.9 }).match).toBe("exact");
    expect(locateQuote(p, "is", { fuzzyThreshold: 0.9, minQuoteChars: 3 }).match).toBe("none");
    expect(locateQuote(p, "THIS IS", { fuzzyThreshold: 0.9, minQuoteChars: 8 }).match).toBe("none");
  });
});

describe("locateQuote: normalised", () => {
  it("matches across whitespace, case, curly quotes and dashes, reporting original offsets", () => {
    const m = at('She was told to call 911 - not to wait. her doctor said "do not drive');
    expect(m.match).toBe("normalized");
    expect(m.similarity).toBe(1);
    expect(slice(m)).toBe("She was told to call 911 \u2014 not to wait.\nHer doctor said \u201cdo not drive");
  });

  it("matches straight quotes, dashes and spaces in the quote against typographic ones in the text", () => {
    const t = "He wrote \u2018it\u2019s over\u2019\u00a0\u2013\u00a0and left\u2026 quietly.";
    const m = at("it's over' - and left... quietly", t);
    expect(m.match).toBe("normalized");
    expect(slice(m, t)).toBe("it\u2019s over\u2019\u00a0\u2013\u00a0and left\u2026 quietly");
  });

  it("matches typographic quotes in the quote against straight ones in the text", () => {
    const t = `She said "no way" -- twice.`;
    expect(slice(at("\u201cNo way\u201d", t), t)).toBe("no way");
  });

  it("strips wrapping quote marks from the quote", () => {
    const m = at("\u00ab do not drive yourself \u00bb");
    expect(m.match).toBe("normalized");
    expect(slice(m)).toBe("do not drive yourself");
  });

  it("matches precomposed and decomposed accents and ligatures both ways", () => {
    const t = "Un caf\u00e9 tr\u00e8s \ufb01n, s'il vous pla\u00eet.";
    const m = at("CAFE\u0301 TRE\u0300S FIN", t);
    expect(m.match).toBe("normalized");
    expect(slice(m, t)).toBe("caf\u00e9 tr\u00e8s \ufb01n");
  });

  it("keeps offsets right after astral characters", () => {
    const t = "Emoji \ud83d\ude00\ud83d\ude00 then \u201cQuoted words here now\u201d end";
    const m = at('"quoted words here now"', t);
    expect(m.match).toBe("normalized");
    expect(slice(m, t)).toBe("Quoted words here now");
  });

  it("treats empty, whitespace-only and quote-marks-only quotes as none", () => {
    for (const q of ["", "   ", "\n\t", "\u00a0", '""', "\u201c \u201d", "...", "\u2026"])
      expect(at(q).match).toBe("none");
  });
});

describe("locateQuote: ellipses", () => {
  it("treats an ellipsis as elided text, matching the parts in order", () => {
    for (const q of [
      "The patient reported \u2026 to call 911",
      "the patient reported ... to call 911",
      "The patient reported [...] to call 911",
      "The patient reported . . . to call 911",
    ]) {
      const m = at(q);
      expect(m.match).toBe("normalized");
      expect(slice(m)).toBe("The patient reported chest pain radiating to the left arm.  She was told to call 911");
    }
  });

  it("rejects parts out of order", () => {
    expect(at("to call 911 ... The patient reported").match).toBe("none");
  });

  it("ignores a leading or trailing ellipsis", () => {
    expect(slice(at("\u2026radiating to the left arm\u2026"))).toBe("radiating to the left arm");
  });

  it("matches a literal ellipsis in the text as itself before trying elision", () => {
    const t = "Wait... what? That is all.";
    expect(slice(at("WAIT... WHAT", t), t)).toBe("Wait... what");
    expect(slice(at("wait\u2026 what", t), t)).toBe("Wait... what");
  });

  it("will not stitch single words into a claim", () => {
    expect(at("patient ... not ... hospital").match).toBe("none");
    expect(at("The patient reported ... not").match).toBe("none");
    expect(slice(at("The patient reported ... not drive"))).toMatch(/^The patient reported.*do not drive$/s);
  });

  it("matches each part on word boundaries only", () => {
    const t = "Another story. Then a nother thing happened to them.";
    expect(at("other story ... other thing", t).match).toBe("none");
    expect(slice(at("another story ... nother thing", t), t)).toBe("Another story. Then a nother thing");
  });
});

describe("locateQuote: fuzzy", () => {
  it("accepts a near-verbatim quote with its word-level similarity and tight original offsets", () => {
    const m = at("reported chest pains radiating to the left arm");
    expect(m.match).toBe("fuzzy");
    expect(m.similarity).toBeCloseTo(7 / 8, 10);
    expect(slice(m)).toBe("reported chest pain radiating to the left arm");
  });

  it("absorbs punctuation differences with similarity 1", () => {
    const m = at("her doctor said: do not drive yourself, to the hospital");
    expect(m).toMatchObject({ match: "fuzzy", similarity: 1 });
    expect(slice(m)).toBe("Her doctor said \u201cdo not drive yourself\u201d to the hospital");
  });

  it("leaves unmatched words at the edges out of the span", () => {
    const m = at("Sadly the patient reported chest pain radiating to the left arm", TEXT, 0.9);
    expect(m.match).toBe("fuzzy");
    expect(slice(m)).toBe("The patient reported chest pain radiating to the left arm");
  });

  it("applies the threshold: one changed word in eight passes 0.85 but not 0.9", () => {
    expect(at("reported chest pains radiating to the left arm", TEXT, 0.85).match).toBe("fuzzy");
    expect(at("reported chest pains radiating to the left arm", TEXT, 0.9).match).toBe("none");
  });

  it("rejects a bad threshold instead of matching everything", () => {
    expect(() => at("chest pain", TEXT, 0)).toThrow(RangeError);
    expect(() => at("chest pain", TEXT, Number.NaN)).toThrow(RangeError);
    expect(() => at("chest pain", TEXT, 1.5)).toThrow(RangeError);
  });

  it("matches fuzzily only quotes of at least minFuzzyChars characters", () => {
    const t = "the cat sat on the mat today";
    expect(at("the cat sat on a mat", t, 0.8).match).toBe("fuzzy");
    expect(locateQuote(prepareText(t), "the cat sat on a mat", { fuzzyThreshold: 0.8, minFuzzyChars: 30 }).match).toBe(
      "none",
    );
    expect(at("cat sat in", t, 0.6).match).toBe("none");
  });

  it("finds a fuzzy quote deep inside a long text", () => {
    const filler = Array.from({ length: 3000 }, (_, i) => `filler sentence number w${i} goes here.`).join(" ");
    const t = `${filler} The committee finally approved the revised budget after a long debate. ${filler}`;
    const m = at("the committee approved the revised budget after a long debate", t, 0.8);
    expect(m.match).toBe("fuzzy");
    expect(slice(m, t)).toBe("The committee finally approved the revised budget after a long debate");
  });

  it("returns promptly on a multi-megabyte text with a long quote", () => {
    const big = "lorem ipsum dolor sit amet ".repeat(200_000);
    const p = prepareText(big);
    const absent = "lorem ipsum dolor sit amet consectetur ".repeat(12);
    expect(locateQuote(p, absent, { fuzzyThreshold: 0.9 }).match).toBe("none");
    const near = "lorem ipsum dolor sit amet ".repeat(40).replace("sit amet lorem", "sat amet lorem");
    const m = locateQuote(p, near, { fuzzyThreshold: 0.9 });
    expect(m.match).toBe("fuzzy");
    expect(m.similarity).toBeCloseTo(199 / 200, 10);
  });
});

describe("locateQuote: characters are never cut in two", () => {
  it("does not match a quote that ends before the text's combining mark or inside a surrogate pair", () => {
    const t = "un cafe\u0301 noir \ud83d\ude00";
    expect(at("un cafe", t).match).toBe("none");
    expect(at("un cafe\u0301", t)).toMatchObject({ match: "exact", start: 0, end: 8 });
    expect(at("\ud83d", t).match).toBe("none");
  });

  it("skips an occurrence that cuts a character and takes a later whole one", () => {
    const t = "cafe\u0301 or cafe";
    expect(at("cafe", t)).toMatchObject({ match: "exact", start: 9, end: 13 });
  });
});
