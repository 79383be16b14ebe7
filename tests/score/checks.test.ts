import { describe, expect, it } from "vitest";
import type { CheckTest } from "../../src/compile/ir.js";
import { compilePattern, countCodePoints, countWords, parseNumber, runCheck, textOf } from "../../src/score/index.js";
import { check, rubric } from "./fixtures.js";

/** A check compiled from source, so the tests also cover how the compiler lowers each test. */
function fromSource(test: string, row: Record<string, unknown>) {
  const ir = rubric(
    `rubric t.c version 1.0.0\ninput response "r"\ninput reference "x"\nscale 0 to 1\ncheck c ${test} end`,
  );
  return runCheck(ir.checks[0]!, row);
}
const run = (test: CheckTest, row: Record<string, unknown>) => runCheck(check("c", test), row);

describe("count", () => {
  it("counts whitespace-separated words after trimming", () => {
    // " one two  three " → one, two, three
    expect(fromSource("words of response between 2 and 3", { response: " one two  three " })).toEqual({
      id: "c",
      passed: true,
      detail: "3 words",
    });
    expect(fromSource("words of response at most 2", { response: "one two three" })).toEqual({
      id: "c",
      passed: false,
      detail: "3 words, more than 2",
    });
    expect(fromSource("words of response at least 4", { response: "one\ttwo\nthree" }).detail).toBe(
      "3 words, fewer than 4",
    );
    // non-breaking space (U+00A0) and ideographic space (U+3000) are whitespace too: 3 words
    expect(countWords("a\u00a0b\u3000c")).toBe(3);
    expect(countWords("   ")).toBe(0);
  });
  it("counts characters as code points, with inclusive bounds", () => {
    // three emoji are six UTF-16 units but three code points
    expect(fromSource("characters of response at most 3", { response: "😀😀😀" }).passed).toBe(true);
    expect(fromSource("characters of response at most 3", { response: "😀😀😀!" }).passed).toBe(false);
    expect(countCodePoints("a😀b")).toBe(3);
    // a lone high surrogate is one code point
    expect(countCodePoints("\ud83d")).toBe(1);
  });
});

describe("regex", () => {
  it("tests the pattern with its flags, negated on request", () => {
    expect(fromSource("response matches /\\d{3}-\\d{4}/", { response: "call 555-1234" })).toEqual({
      id: "c",
      passed: true,
      detail: "pattern found",
    });
    expect(fromSource("response matches /hello/i", { response: "HELLO" }).passed).toBe(true);
    expect(fromSource("response does not match /hello/i", { response: "HELLO" }).passed).toBe(false);
  });
  it("ignores g and y, so repeated runs of one check give the same answer", () => {
    // with g, RegExp.test would move lastIndex past "a" and the second call would fail
    const c = check("c", { kind: "regex", input: "response", pattern: "a", flags: "g", negate: false });
    expect(runCheck(c, { response: "a" }).passed).toBe(true);
    expect(runCheck(c, { response: "a" }).passed).toBe(true);
  });
  it("fails an invalid pattern instead of throwing", () => {
    const r = run({ kind: "regex", input: "response", pattern: "(", flags: "", negate: false }, { response: "x" });
    expect(r.passed).toBe(false);
    expect(r.detail).toMatch(/^invalid pattern: /);
  });
  it("answers catastrophic patterns in linear time instead of giving up", () => {
    // (a+)+$ against 40 a's and a "!" takes about 2^40 steps on a backtracking engine
    const r = run(
      { kind: "regex", input: "response", pattern: "^(a+)+$", flags: "", negate: false },
      { response: `${"a".repeat(40)}!` },
    );
    expect(r).toEqual({ id: "c", passed: false, detail: "pattern not found" });
    expect(
      run({ kind: "regex", input: "response", pattern: "^(a+)+$", flags: "", negate: false }, { response: "aaa" })
        .passed,
    ).toBe(true);
  });
  it("gives up on a backreference that backtracks too long, and says why", () => {
    // RE2 has no backreferences: this one runs on the time-limited path
    const r = run(
      { kind: "regex", input: "response", pattern: "^(a+)+\\1$", flags: "", negate: false },
      { response: `${"a".repeat(40)}!` },
    );
    expect(r.passed).toBe(false);
    expect(r.detail).toMatch(/took too long/);
  });
  it("sends only patterns RE2 cannot express to the time-limited path", () => {
    expect(compilePattern("^(a+)+$", "").engine).toBe("linear");
    expect(compilePattern(".*.*.*x", "").engine).toBe("linear");
    expect(compilePattern("(a)\\1", "").engine).toBe("time-limited");
    expect(compilePattern("(?<w>a)\\k<w>", "").engine).toBe("time-limited");
    expect(compilePattern("a(?=b)", "").engine).toBe("time-limited");
    expect(compilePattern("[\\S]", "").engine).toBe("time-limited");
    expect(compilePattern("\\b(as an ai)\\b", "i").engine).toBe("linear");
  });
});

describe("contains", () => {
  it("matches text, optionally ignoring case and negated", () => {
    expect(fromSource('response contains "Paris"', { response: "in paris" }).passed).toBe(false);
    expect(fromSource('response contains "Paris" ignoring case', { response: "in paris" }).passed).toBe(true);
    expect(fromSource('response does not contain "As an AI" ignoring case', { response: "as an ai model" })).toEqual({
      id: "c",
      passed: false,
      detail: "text found",
    });
  });
});

describe("json", () => {
  const withSchema = 'response is valid json matching """{"type":"object","required":["a"]}"""';
  it("accepts valid JSON and validates against a schema", () => {
    expect(fromSource("response is valid json", { response: "[1,2]" })).toEqual({
      id: "c",
      passed: true,
      detail: "valid JSON",
    });
    expect(fromSource("response is valid json", { response: "{oops" }).detail).toMatch(/^not valid JSON: /);
    expect(fromSource(withSchema, { response: '{"a":1}' }).passed).toBe(true);
    const r = fromSource(withSchema, { response: '{"b":1}' });
    expect(r.passed).toBe(false);
    expect(r.detail).toMatch(/^does not match the schema: .*a/);
  });
  it("reads a structured row value as its JSON text", () => {
    expect(fromSource(withSchema, { response: { a: [1] } }).passed).toBe(true);
  });
  it("handles boolean schemas and schemas that do not compile", () => {
    expect(run({ kind: "json", input: "response", schema: false }, { response: "1" }).passed).toBe(false);
    expect(run({ kind: "json", input: "response", schema: true }, { response: "1" }).passed).toBe(true);
    const bad = run({ kind: "json", input: "response", schema: { type: 12 } }, { response: "1" });
    expect(bad.passed).toBe(false);
    expect(bad.detail).toMatch(/^does not match the schema: the schema does not compile/);
  });
  it("keeps two different schemas with the same $id apart", () => {
    const s1 = { $id: "https://x/s", type: "number" };
    const s2 = { $id: "https://x/s", type: "string" };
    expect(run({ kind: "json", input: "response", schema: s1 }, { response: "1" }).passed).toBe(true);
    expect(run({ kind: "json", input: "response", schema: s2 }, { response: "1" }).passed).toBe(false);
    expect(run({ kind: "json", input: "response", schema: s2 }, { response: '"x"' }).passed).toBe(true);
  });
});

describe("equals", () => {
  it("compares text, optionally ignoring case and collapsing whitespace", () => {
    expect(
      fromSource("response equals reference ignoring case ignoring whitespace", {
        response: " Paris \n France ",
        reference: "paris france",
      }).passed,
    ).toBe(true);
    expect(
      fromSource("response equals reference ignoring whitespace", {
        response: "Paris  France",
        reference: "paris france",
      }).passed,
    ).toBe(false);
    expect(fromSource("response equals reference", { response: "a b", reference: "a  b" })).toEqual({
      id: "c",
      passed: false,
      detail: "different",
    });
  });
  it("compares a number with its written form", () => {
    expect(fromSource("response equals reference", { response: 42, reference: "42" }).passed).toBe(true);
  });
});

describe("numeric", () => {
  it("reads numbers as people write them and compares within the tolerance", () => {
    // 1234.2 vs 1234: off by 0.2 ≤ 0.5
    expect(
      fromSource("response equals reference as number within 0.5", { response: "about $1,234.2", reference: "1234" }),
    ).toEqual({ id: "c", passed: true, detail: "1234.2 vs 1234" });
    expect(fromSource("response equals reference as number", { response: "42%", reference: 42 }).passed).toBe(true);
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; tolerance 0 must still accept 0.3
    expect(fromSource("response equals reference as number", { response: 0.1 + 0.2, reference: "0.3" }).passed).toBe(
      true,
    );
    expect(fromSource("response equals reference as number within 1", { response: "3", reference: "5" })).toEqual({
      id: "c",
      passed: false,
      detail: "3 vs 5, off by more than 1",
    });
  });
  it("fails with the input that has no number", () => {
    expect(fromSource("response equals reference as number", { response: "none", reference: "3" }).detail).toBe(
      "no number in `response`",
    );
    expect(fromSource("response equals reference as number", { response: "3", reference: "n/a" }).detail).toBe(
      "no number in `reference`",
    );
  });
  it("parses signs, currency, grouping and exponents", () => {
    expect(parseNumber("1,234.5")).toBe(1234.5);
    expect(parseNumber("$3")).toBe(3);
    expect(parseNumber("-$3")).toBe(-3);
    expect(parseNumber("\u22122.5")).toBe(-2.5);
    expect(parseNumber(".5")).toBe(0.5);
    expect(parseNumber("1.5e3 m")).toBe(1500);
    // a comma not followed by three digits ends the number: "3,5" is 3, not 35
    expect(parseNumber("3,5")).toBe(3);
    expect(parseNumber("answer: 7 (not 8)")).toBe(7);
    expect(parseNumber("no digits")).toBeNull();
  });
});

describe("inputs", () => {
  it("fails with a reason when an input is missing or null", () => {
    expect(fromSource('response contains "x"', {})).toEqual({
      id: "c",
      passed: false,
      detail: "input `response` is missing",
    });
    expect(fromSource('response contains "x"', { response: null }).detail).toBe("input `response` is missing");
    expect(fromSource("response equals reference", { response: "x" }).detail).toBe("input `reference` is missing");
  });
  it("reads non-string values as text", () => {
    expect(textOf(3.5)).toBe("3.5");
    expect(textOf(true)).toBe("true");
    expect(textOf({ a: 1 })).toBe('{"a":1}');
    expect(textOf(10n)).toBe("10");
  });
});
