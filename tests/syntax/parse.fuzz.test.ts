/**
 * Any byte string given as a rubric source yields diagnostics or a bundle: never an exception,
 * never a hang, and every diagnostic points inside the text. The longer run (100,000 cases)
 * is `npx tsx bench/fuzz.bench.ts`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { compileSource } from "../../src/compile/index.js";
import { keywordOf, rubricTokens } from "../../src/syntax/tokens.js";
import { chevrotainPackage } from "../../src/util/packages.js";
import { mutateSource, NON_KEYWORD_SAMPLES, TOKENS_OF_THE_LANGUAGE } from "../helpers/mutate.js";
import { exampleSources } from "../helpers/rubrics.js";

function compileNeverThrows(text: string): void {
  const r = compileSource(text, "fuzz.rubric", {
    readImport: () => {
      throw Object.assign(new Error("no imports in fuzzing"), { code: "ENOENT" });
    },
  });
  for (const d of r.diagnostics) {
    if (d.span) {
      expect(d.span.start).toBeGreaterThanOrEqual(0);
      expect(d.span.end).toBeLessThanOrEqual(Math.max(text.length, 1) + 1);
    }
    expect(d.message.length).toBeGreaterThan(0);
  }
  if (r.ir) expect(buildBundle(r.ir).hash).toMatch(/^sha256:[0-9a-f]{64}$/);
}

const examples = exampleSources().map(([, text]) => text);

describe("compiling arbitrary input", () => {
  it("builds from a sample of every token type that is not a keyword (the keywords come from the lexer)", () => {
    const { allTokens, rubricLexer } = rubricTokens();
    // The lexer's own copy of Chevrotain, whose NA pattern the categories were made with.
    const { Lexer } = chevrotainPackage();
    const wanted = allTokens
      .filter((t) => keywordOf(t) === undefined && t.PATTERN !== Lexer.NA && t.GROUP !== Lexer.SKIPPED)
      .map((t) => t.name);
    const seen = new Set<string>();
    for (const sample of NON_KEYWORD_SAMPLES) {
      const r = rubricLexer.tokenize(sample);
      for (const t of [...r.tokens, ...Object.values(r.groups).flat()]) seen.add(t.tokenType.name);
    }
    expect(wanted.filter((name) => !seen.has(name))).toEqual([]);
    expect(wanted.length).toBeGreaterThan(10);
  });

  it("survives random strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), compileNeverThrows), { numRuns: 300 });
  });

  it("survives random sequences of the language's own words", () => {
    const word = fc.constantFrom(...TOKENS_OF_THE_LANGUAGE);
    fc.assert(
      fc.property(fc.array(word, { maxLength: 80 }), (words) => compileNeverThrows(words.join(" "))),
      { numRuns: 300 },
    );
  });

  it("survives mutations of the example rubrics", () => {
    fc.assert(
      fc.property(fc.constantFrom(...examples), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (text, seeds) =>
        compileNeverThrows(mutateSource(text, seeds)),
      ),
      { numRuns: 200 },
    );
  });
});
