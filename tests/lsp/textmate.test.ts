/**
 * The TextMate grammar is generated from the language (src/lsp/textmate.ts); the committed copy
 * must match, and it must highlight real rubrics as VS Code's own engine reads it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";
import { textMateGrammar } from "../../src/lsp/textmate.js";

const PATH = "editors/vscode/syntaxes/rubric.tmLanguage.json";

describe("the TextMate grammar", () => {
  it("is up to date with the language (regenerate: npm run editor-grammar)", () => {
    expect(JSON.parse(readFileSync(PATH, "utf8"))).toEqual(textMateGrammar());
  });

  let grammar: textmate.IGrammar;
  beforeAll(async () => {
    const wasm = readFileSync(createRequire(import.meta.url).resolve("vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async () => textmate.parseRawGrammar(readFileSync(PATH, "utf8"), PATH),
    });
    grammar = (await registry.loadGrammar("source.rubric"))!;
  });

  /** The innermost scope of each token on each line: [text, scope]. */
  function scopes(source: string): [string, string][] {
    let stack = textmate.INITIAL;
    const out: [string, string][] = [];
    for (const line of source.split("\n")) {
      const r = grammar.tokenizeLine(line, stack);
      for (const t of r.tokens) {
        const text = line.slice(t.startIndex, t.endIndex);
        if (text.trim()) out.push([text.trim(), t.scopes[t.scopes.length - 1]!]);
      }
      stack = r.ruleStack;
    }
    return out;
  }

  it("highlights the parts of a rubric", () => {
    const got = scopes(readFileSync("examples/asap-essay.rubric", "utf8"));
    const scopeOf = (text: string) => got.find(([t]) => t === text)?.[1];
    expect(scopeOf("asap.persuasive-essay")).toBe("entity.name.namespace.rubric");
    expect(scopeOf("criterion")).toBe("keyword.control.rubric");
    expect(scopeOf("ideas")).toBe("entity.name.function.rubric");
    expect(scopeOf("quotable")).toBe("keyword.other.rubric");
    expect(scopeOf("1.0.0")).toBe("constant.numeric.version.rubric");
    expect(got.some(([, s]) => s === "comment.line.number-sign.rubric")).toBe(true);
    expect(got.some(([, s]) => s === "string.quoted.triple.rubric")).toBe(true);
  });

  it("does not colour keywords inside names, texts or comments", () => {
    const got = scopes('input end_date "the end" # end of line\ngate scale-check when x.end is met cap score at 2 end');
    expect(got).toContainEqual(["end_date", "variable.parameter.rubric"]);
    expect(got).toContainEqual(["the end", "string.quoted.double.rubric"]);
    expect(got.filter(([t, s]) => t === "end" && s.startsWith("keyword"))).toHaveLength(1);
    expect(got).toContainEqual(["scale-check", "entity.name.function.rubric"]);
    expect(got).toContainEqual(["x.end", expect.not.stringMatching(/^keyword/)]);
  });
});
