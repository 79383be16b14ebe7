import { describe, expect, it } from "vitest";
import { type EvidenceRule, prepareText, verifyEvidence } from "../../src/evidence/index.js";

const RESPONSE =
  "The patient reported chest pain radiating to the left arm. She was told to call 911 \u2014 not to wait.";
const SOURCE = "Chest pain that spreads to the arm can signal a heart attack; call emergency services.";
const inputs = { response: prepareText(RESPONSE), source: prepareText(SOURCE) };
const rule: EvidenceRule = { from: ["response", "source"], max_words: 12, min_quotes: 1, max_quotes: 3 };
const opts = { fuzzyThreshold: 0.9 };

describe("verifyEvidence", () => {
  it("verifies a quote in the input the judge named, with offsets into that input", () => {
    const r = verifyEvidence([{ quote: "can signal a heart attack", input: "source" }], inputs, rule, opts);
    expect(r.satisfied).toBe(true);
    expect(r.reasons).toEqual([]);
    const e = r.entries[0]!;
    expect(e).toMatchObject({ input: "source", verified: true, match: "exact" });
    expect(SOURCE.slice(e.start, e.end)).toBe("can signal a heart attack");
  });

  it("does not look elsewhere when the named input lacks the quote", () => {
    const r = verifyEvidence([{ quote: "chest pain radiating", input: "source" }], inputs, rule, opts);
    expect(r.entries[0]).toMatchObject({
      verified: false,
      match: "none",
      input: "source",
      reason: "not found in `source`",
    });
    expect(r.satisfied).toBe(false);
  });

  it("searches the allowed inputs in order when none is named, and records where it was found", () => {
    const r = verifyEvidence(
      [{ quote: "CALL EMERGENCY SERVICES" }, { quote: "told to call 911" }, { quote: "", input: "" }],
      inputs,
      rule,
      opts,
    );
    expect(r.entries.map((e) => [e.input, e.match])).toEqual([
      ["source", "normalized"],
      ["response", "exact"],
      [null, "none"],
    ]);
    expect(r.entries[2]!.reason).toBe("not found in `response`, `source`");
  });

  it("rejects a quote from an input the rule does not allow, even if it is there", () => {
    const r = verifyEvidence(
      [{ quote: "chest pain radiating", input: "prompt" }],
      { ...inputs, prompt: prepareText("chest pain radiating") },
      { ...rule, from: ["response"] },
      opts,
    );
    expect(r.entries[0]).toMatchObject({
      verified: false,
      input: "prompt",
      reason: "input `prompt` is not one evidence may come from (`response`)",
    });
  });

  it("rejects a quote over the word limit, counting words not ellipses or dashes", () => {
    const limited = { ...rule, max_words: 6 };
    const long = verifyEvidence([{ quote: "The patient reported chest pain radiating to" }], inputs, limited, opts);
    expect(long.entries[0]).toMatchObject({ verified: false, reason: "longer than 6 words" });
    const elided = verifyEvidence([{ quote: "The patient reported \u2026 the left arm" }], inputs, limited, opts);
    expect(elided.entries[0]!.verified).toBe(true);
    const dashed = verifyEvidence([{ quote: "call 911 \u2014 not to wait" }], inputs, { ...rule, max_words: 5 }, opts);
    expect(dashed.entries[0]!.verified).toBe(true);
  });

  it("says when the row has no text for the input", () => {
    const r = verifyEvidence(
      [{ quote: "chest pain", input: "reference" }],
      inputs,
      { ...rule, from: ["reference"] },
      opts,
    );
    expect(r.entries[0]!.reason).toBe("no text for `reference` in this row");
  });

  it("counts distinct verified passages toward min_quotes", () => {
    const twice = verifyEvidence(
      [{ quote: "chest pain radiating" }, { quote: "Chest pain radiating" }],
      inputs,
      { ...rule, min_quotes: 2 },
      opts,
    );
    expect(twice.entries.every((e) => e.verified)).toBe(true);
    expect(twice.satisfied).toBe(false);
    expect(twice.reasons).toEqual(["1 of the 2 required quotes verified"]);
    const two = verifyEvidence(
      [{ quote: "chest pain radiating" }, { quote: "not to wait" }],
      inputs,
      { ...rule, min_quotes: 2 },
      opts,
    );
    expect(two.satisfied).toBe(true);
  });

  it("is unsatisfied when fewer quotes verify than required, or more are cited than allowed", () => {
    const none = verifyEvidence([{ quote: "the patient denied any chest pain at all" }], inputs, rule, opts);
    expect(none).toMatchObject({ satisfied: false, reasons: ["0 of the 1 required quote verified"] });
    const many = verifyEvidence(
      ["chest pain", "left arm", "call 911", "not to wait"].map((quote) => ({ quote })),
      inputs,
      rule,
      opts,
    );
    expect(many.entries.every((e) => e.verified)).toBe(true);
    expect(many).toMatchObject({ satisfied: false, reasons: ["4 quotes cited, at most 3 allowed"] });
  });

  it("is satisfied with no quotes when none are required", () => {
    expect(verifyEvidence([], inputs, { ...rule, min_quotes: 0 }, opts)).toEqual({
      entries: [],
      satisfied: true,
      reasons: [],
    });
  });

  it("does not count a quote under the minimum length, but still says where it was (status too-short)", () => {
    const short: EvidenceRule = { ...rule, min_words: 3 };
    const r = verifyEvidence([{ quote: "the", input: "response" }], inputs, short, opts);
    expect(r.satisfied).toBe(false);
    expect(r.reasons).toEqual(["0 of the 1 required quote verified"]);
    const e = r.entries[0]!;
    expect(e).toMatchObject({ verified: false, status: "too-short", reason: "shorter than 3 words", match: "exact" });
    expect(RESPONSE.slice(e.start, e.end).toLowerCase()).toBe("the");
    // Punctuation is not a word: "arm." is one word.
    expect(verifyEvidence([{ quote: "left arm.", input: "response" }], inputs, short, opts).satisfied).toBe(false);
    const ok = verifyEvidence([{ quote: "the left arm", input: "response" }], inputs, short, opts);
    expect(ok.satisfied).toBe(true);
    expect(ok.entries[0]).toMatchObject({ verified: true });
    expect(ok.entries[0]!.status).toBeUndefined();
  });

  it("accepts a short quote that is the whole of a short input, and applies no minimum to older bundles", () => {
    const tiny = { response: prepareText("  Yes. "), source: prepareText(SOURCE) };
    const short: EvidenceRule = { ...rule, min_words: 3 };
    expect(verifyEvidence([{ quote: "Yes", input: "response" }], tiny, short, opts).satisfied).toBe(true);
    // A bundle compiled before the minimum existed has none: one word still counts there.
    expect(verifyEvidence([{ quote: "the", input: "response" }], inputs, rule, opts).satisfied).toBe(true);
  });

  it("gives every rejected quote a status code", () => {
    const strict: EvidenceRule = { from: ["response"], max_words: 4, min_quotes: 1, max_quotes: null, min_words: 2 };
    const r = verifyEvidence(
      [
        { quote: "can signal a heart attack", input: "source" },
        { quote: "one two three four five six", input: "response" },
        { quote: "words nowhere in the text", input: "response" },
        { quote: "anything at all", input: "reference" },
      ],
      { response: prepareText(RESPONSE) },
      { ...strict, from: ["response", "reference"] },
      opts,
    );
    expect(r.entries.map((e) => e.status)).toEqual(["input-not-allowed", "too-long", "too-long", "input-missing"]);
    const missing = verifyEvidence([{ quote: "nowhere in it" }], { response: prepareText(RESPONSE) }, strict, opts);
    expect(missing.entries[0]!.status).toBe("not-found");
  });
});
