import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/index.js";
import { compileSource, DEFAULT_MIN_QUOTE_WORDS } from "../../src/compile/index.js";
import { parseRubric, printRubric } from "../../src/syntax/index.js";
import { diagnosticsOf } from "../helpers/rubrics.js";

const src = (evidence: string) =>
  `rubric t.x version 1.0.0
input response "The answer", quotable
scale 1 to 6
criterion c "C" binary ${evidence} end
aggregate weighted mean
`;
const rule = (evidence: string) => compileSource(src(evidence), "t.rubric").ir!.criteria[0]!.evidence;

describe("a minimum quote length in evidence rules (spec.md §Evidence)", () => {
  it("defaults to 3 words, lowered to a smaller word limit, and is stated with `at least N words`", () => {
    expect(DEFAULT_MIN_QUOTE_WORDS).toBe(3);
    expect(rule("evidence at least 1 quote from response")).toMatchObject({ min_quotes: 1, min_words: 3 });
    expect(rule("evidence at least 1 quote, at most 2 words")).toMatchObject({ max_words: 2, min_words: 2 });
    // `at least N words` is the quote length, never the number of quotes.
    expect(rule("evidence at least 2 quotes from response, at least 5 words, at most 40 words")).toMatchObject({
      min_quotes: 2,
      min_words: 5,
      max_words: 40,
    });
    expect(rule("evidence at least 1 quote, at least 1 word")).toMatchObject({ min_quotes: 1, min_words: 1 });
  });

  it("prints back as written and tells the judge the limits", () => {
    const text = src("evidence at least 1 quote from response, at least 5 words, at most 40 words");
    const printed = printRubric(parseRubric(text, "t.rubric").ast!);
    expect(printed).toContain("evidence at least 1 quote from response, at least 5 words, at most 40 words");
    expect(compileSource(printed, "t.rubric").ir!.criteria[0]!.evidence).toEqual(
      rule("evidence at least 1 quote from response, at least 5 words, at most 40 words"),
    );
    const system = (e: string) => buildBundle(compileSource(src(e), "t.rubric").ir!).body.prompt.system;
    expect(system("evidence at least 1 quote from response")).toContain(
      "quote at least 1 passage from `response`, at least 3 words, copied exactly",
    );
    expect(system("evidence at least 2 quotes, at least 4 words, at most 40 words")).toContain("each 4 to 40 words");
    expect(system("evidence at least 1 quote, at least 1 word")).not.toContain("at least 1 words");
  });

  it("is part of the hash: a different minimum is a different bundle", () => {
    const hash = (e: string) => buildBundle(compileSource(src(e), "t.rubric").ir!).hash;
    const base = hash("evidence at least 1 quote");
    expect(hash("evidence at least 1 quote, at least 3 words")).toBe(base); // the default, written out
    expect(hash("evidence at least 1 quote, at least 4 words")).not.toBe(base);
  });

  it("refuses a zero or fractional minimum and one above the word limit, with positions", () => {
    // The span covers the offending number.
    const d = (e: string) =>
      diagnosticsOf(src(e)).map((x) => [x.code, x.message, src(e).slice(x.span?.start, x.span?.end)]);
    expect(d("evidence at least 1 quote, at least 0 words")).toEqual([
      [
        "invalid-setting",
        "criterion `c` asks for quotes of at least 0 words; a quote has at least 1 word (`at least 1 word` turns the default minimum of 3 off)",
        "0",
      ],
    ]);
    expect(d("evidence at least 1 quote, at least 10 words, at most 5 words")).toEqual([
      [
        "invalid-setting",
        "criterion `c` asks for quotes of at least 10 words but at most 5; make the minimum no larger than the maximum",
        "10",
      ],
    ]);
    expect(d("evidence at least 1 quote, at least 2.5 words").map((x) => x[0])).toEqual(["invalid-setting"]);
  });
});
