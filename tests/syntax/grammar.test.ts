/**
 * Runs skip Chevrotain's checks of the grammar and the token definitions (src/syntax/parser.ts,
 * tokens.ts: a fifth of `rulers compile`'s start-up); this test runs them, so a grammar edit that
 * introduces an ambiguity or an unreachable token still fails here.
 */
import { describe, expect, it } from "vitest";
import { parseRubric } from "../../src/syntax/index.js";
import { validatedParser } from "../../src/syntax/parser.js";
import { lexerDefinitionErrors } from "../../src/syntax/tokens.js";

describe("the grammar, with Chevrotain's validations on", () => {
  it("has no defect in its rules", () => {
    expect(() => validatedParser()).not.toThrow();
  });

  it("has no defect in its token definitions", () => {
    expect(lexerDefinitionErrors()).toEqual([]);
  });

  it("parses the same with the unvalidated parser the runs use", () => {
    const r = parseRubric(
      'rubric a.b version 1.0.0\nscale 1 to 5\ncriterion c "C"\n  "is it c"\n  binary\nend\n',
      "t.rubric",
    );
    expect(r.diagnostics).toEqual([]);
  });
});
