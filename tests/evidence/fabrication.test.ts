/**
 * Quotes a judge might fabricate, against a real essay: ASAP-AES essay 3008 (set 2), first two
 * paragraphs, from fold 0 of the Taghipour & Ng (2016) split of the training set (Hewlett Foundation, Kaggle 2012).
 */
import { describe, expect, it } from "vitest";
import { locateQuote, prepareText } from "../../src/evidence/index.js";

const ESSAY =
  "I absolutely do not think that any book, movie, magazine, music, etc., should be removed from the shelf because they find it offensive.  " +
  "If we do that, then all the books would be off the shelf.  Sometimes the really good books are when they are offensive, because they are actually telling you what they really believe in.     " +
  "I remember when I was twelve, the news was saying that a school was taking books off the shelf because it offended one person in the school.  " +
  "The shocking part was that almost the whole school was reading that book.  Even teachers were reading it.  The school board did not even care though.  " +
  "I think that was completely handled the wrong way.  They should have talked to the girl and said it was unfair to ask that when everybody reads it.  " +
  "If it offended her, then she should not read it.";
const essay = prepareText(ESSAY);
const at = (quote: string, fuzzyThreshold = 0.9) => locateQuote(essay, quote, { fuzzyThreshold });

describe("fabricated quotes are never verified", () => {
  it("rejects the quote's own words shuffled", () => {
    expect(at("The school board did not even care though").match).toBe("exact");
    expect(at("the school board did not even care though").match).toBe("normalized");
    expect(at("the board school did not care even though").match).toBe("none");
    expect(at("though care even not did board school the").match).toBe("none");
  });

  it("rejects a short quote whose negation was dropped, by similarity alone", () => {
    // 7 words, one deleted: similarity 6/7 < 0.9
    expect(at("The school board did even care though").match).toBe("none");
  });

  it("rejects a long quote whose negation was dropped or added, even when similarity reaches the threshold", () => {
    const real =
      "I absolutely do not think that any book, movie, magazine, music, etc., should be removed from the shelf";
    const flipped =
      "I absolutely do think that any book, movie, magazine, music, etc., should be removed from the shelf";
    // the flipped quote has 17 words, one fewer than the text: similarity 16/17 ≈ 0.94 ≥ 0.9, yet the claim is reversed
    expect(at(flipped).match).toBe("none");
    expect(at("If it offended her, then she should read it, said the essay writer").match).toBe("none");
    expect(at("The shocking part was that almost the whole school was not reading that book.", 0.8).match).toBe("none");
    // the same quote missing an ordinary word instead does pass: the negation is what is guarded
    const m = at("I absolutely do not think that any book, movie, magazine, music, etc., should be removed from shelf");
    expect(m.match).toBe("fuzzy");
    expect(m.similarity).toBeCloseTo(16 / 17, 10);
    expect(ESSAY.slice(m.start, m.end)).toBe(real);
  });

  it("rejects a changed number however low the threshold", () => {
    expect(at("I remember when I was 12, the news was saying", 0.5).match).toBe("none");
    const t = prepareText("Call 911 right away if the pain spreads to your arm or jaw.");
    expect(
      locateQuote(t, "Call 119 right away if the pain spreads to your arm or jaw.", { fuzzyThreshold: 0.5 }).match,
    ).toBe("none");
    expect(
      locateQuote(t, "Call 911 right now if the pain spreads to your arm or jaw.", { fuzzyThreshold: 0.9 }).match,
    ).toBe("fuzzy");
  });

  it("shows what 0.9 implies: one changed content word in ten or more passes, in fewer it does not", () => {
    // 12 words, one substituted: 11/12 ≈ 0.917
    const swapped = "They should have talked to the boy and said it was unfair";
    expect(at(swapped).match).toBe("fuzzy");
    expect(at(swapped, 0.95).match).toBe("none");
    // 9 words, one substituted: 8/9 ≈ 0.889
    expect(at("Even teachers were reading it.  The school board did").match).toBe("exact");
    expect(at("Even students were reading it. The school board did").match).toBe("none");
  });

  it("rejects invented sentences made of the essay's own vocabulary", () => {
    for (const q of [
      "The school board removed every offensive book from the shelf",
      "Teachers think music should be removed because it is offensive",
      "I think the girl was right to ask that the books be taken off the shelf",
      "the whole school was offended by the news about the book",
    ]) {
      expect(at(q, 0.8).match).toBe("none");
    }
  });

  it("rejects a true quote from a different text", () => {
    expect(at("Without music, there would not be any fun in the world.", 0.8).match).toBe("none");
  });

  it("never verifies a two-letter quote except as an exact or normalised substring", () => {
    expect(at("it").match).toBe("exact");
    expect(at("zq", 0.5).match).toBe("none");
    expect(at("IT").match).toBe("normalized");
  });
});
