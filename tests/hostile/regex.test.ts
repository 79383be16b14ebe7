/**
 * Issue 13 item 2: rubric regexes run on judged text in bounded time. Each of these inputs keeps
 * a backtracking engine busy for hours (exponential or high-degree polynomial time); with a
 * linear-time engine they answer at once, and the assertions are about the answers.
 */
import { describe, expect, it } from "vitest";
import type { CheckIR } from "../../src/compile/ir.js";
import { runCheck } from "../../src/score/checks.js";
import { schemaProblem } from "../../src/score/json-schema.js";
import { compilePattern } from "../../src/score/safe-regex.js";

function regexCheck(pattern: string, flags = ""): CheckIR {
  return {
    id: "c",
    title: null,
    weight: null,
    points: null,
    test: { kind: "regex", input: "response", pattern, flags, negate: false },
  } as unknown as CheckIR;
}

describe("regex checks on hostile text", () => {
  it("answers `[^](a+)+$`, which the risk heuristic used to misread", () => {
    expect(compilePattern("[^](a+)+$", "").engine).toBe("linear");
    const r = runCheck(regexCheck("[^](a+)+$"), { response: `x${"a".repeat(60)}!` });
    expect(r).toEqual({ id: "c", passed: false, detail: "pattern not found" });
    expect(runCheck(regexCheck("[^](a+)+$"), { response: "xaaa" }).passed).toBe(true);
  });

  it("answers polynomial patterns such as `.*.*.*.*.*x` on long text", () => {
    const r = runCheck(regexCheck(".*.*.*.*.*x"), { response: "a".repeat(200_000) });
    expect(r.detail).toBe("pattern not found");
    expect(runCheck(regexCheck(".*.*.*.*.*x"), { response: `${"a".repeat(200_000)}x` }).passed).toBe(true);
  });

  it("keeps JavaScript's meaning of \\s, \\S and . on the linear engine", () => {
    const cases: [string, string, string][] = [
      ["a\\sb", "", "a\u00a0b"],
      ["a\\Sb", "", "a\u00a0b"],
      ["[\\s]", "", "\u3000"],
      ["a.b", "", "a\rb"],
      ["a.b", "s", "a\rb"],
      ["a.b", "", "a\u2028b"],
      ["^b$", "m", "a\rb"],
      ["^b$", "m", "a\nb"],
      ["[^]", "", "\n"],
      ["(?<y>\\d{4})-\\d\\d", "", "on 2024-05"],
      ["(?<=\\$)\\d+", "", "cost $15"],
      ["caf\\u00e9", "i", "CAFÉ"],
    ];
    for (const [pattern, flags, text] of cases) {
      const expected = new RegExp(pattern, flags).test(text);
      expect(compilePattern(pattern, flags).test(text), `/${pattern}/${flags} on ${JSON.stringify(text)}`).toBe(
        expected,
      );
    }
  });
});

describe("JSON Schema `pattern` in `is valid json matching`", () => {
  it("answers a catastrophic pattern on hostile JSON instead of hanging", () => {
    const schema = { type: "object", properties: { name: { type: "string", pattern: "^(a+)+$" } } };
    const problem = schemaProblem(schema, { name: `${"a".repeat(60)}!` });
    expect(problem).toMatch(/must match pattern/);
    expect(schemaProblem(schema, { name: "aaaa" })).toBeNull();
  });

  it("keeps each pattern its own when one schema has several", () => {
    const schema = {
      type: "object",
      properties: { a: { type: "string", pattern: "^x+$" }, b: { type: "string", pattern: "^y+$" } },
    };
    expect(schemaProblem(schema, { a: "xx", b: "yy" })).toBeNull();
    expect(schemaProblem(schema, { a: "xx", b: "xx" })).toMatch(/\/b must match pattern "\^y\+\$"/);
  });

  it("bounds patternProperties the same way", () => {
    const schema = { type: "object", patternProperties: { "^(a|a)+$": { type: "number" } } };
    expect(schemaProblem(schema, { [`${"a".repeat(60)}!`]: "x" })).toBeNull();
    expect(schemaProblem(schema, { aaa: "x" })).toMatch(/must be number/);
  });

  it("reports a backreference pattern that runs out of time rather than waiting", () => {
    const schema = { type: "string", pattern: "^(a+)+\\1$" };
    expect(schemaProblem(schema, `${"a".repeat(40)}!`)).toMatch(/took too long/);
  });
});
