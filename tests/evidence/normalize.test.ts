import { describe, expect, it } from "vitest";
import { normalize, normalizeQuote } from "../../src/evidence/index.js";

/** Each normalised unit's source, as the original substring it maps to. */
const sources = (text: string) => {
  const n = normalize(text);
  return [...n.text].length === n.text.length ? Array.from(n.starts, (s, i) => text.slice(s, n.ends[i])) : [];
};

describe("normalize", () => {
  it("folds case, whitespace runs, quotes, dashes, NBSP and the ellipsis character", () => {
    expect(
      normalize(
        "  Hello,\u00a0\u00a0WORLD\t\n\u201cquoted\u201d \u2018it\u2019s\u2019 a\u2014b \u2013 c\u2212d \u00abx\u00bb wait\u2026  ",
      ).text,
    ).toBe(`hello, world "quoted" 'it's' a-b - c-d "x" wait...`);
  });

  it("drops invisible characters and keeps offsets of the text around them", () => {
    const t = "co\u00adop\u200beration";
    const n = normalize(t);
    expect(n.text).toBe("cooperation");
    expect(t.slice(n.starts[3], n.ends[10])).toBe("p\u200beration");
  });

  it("applies NFKC per character with its marks, mapping every produced unit to the whole cluster", () => {
    const t = "The \ufb01ne cafe\u0301 \uff21\uff22 \u00bd";
    const n = normalize(t);
    expect(n.text).toBe("the fine caf\u00e9 ab 1\u20442");
    const fi = n.text.indexOf("fi");
    expect(t.slice(n.starts[fi], n.ends[fi + 1])).toBe("\ufb01");
    const e = n.text.indexOf("\u00e9");
    expect(t.slice(n.starts[e], n.ends[e])).toBe("e\u0301");
  });

  it("maps every unit back to the original unit it came from", () => {
    const t = "A  b\u2014C\u2026 d";
    expect(sources(t)).toEqual(["A", "  ", "b", "\u2014", "C", "\u2026", "\u2026", "\u2026", " ", "d"]);
  });

  it("keeps astral characters whole and replaces lone surrogates without shifting offsets", () => {
    const t = "x\ud83d\ude00y\ud800z";
    const n = normalize(t);
    expect(n.text).toBe("x\ud83d\ude00y\ufffdz");
    expect(Array.from(n.starts)).toEqual([0, 1, 1, 3, 4, 5]);
  });
});

describe("normalizeQuote", () => {
  it("strips the quote marks and whitespace a judge wraps a quote in", () => {
    expect(normalizeQuote("  \u201cDo not drive.\u201d ")).toBe("do not drive.");
    expect(normalizeQuote("'it's fine'")).toBe("it's fine");
    expect(normalizeQuote("\u00ab \u00bb")).toBe("");
  });
});
