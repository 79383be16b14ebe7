/**
 * The TextMate grammar for editors without semantic tokens (and for VS Code before the server
 * starts). Generated from the lexer's keywords and the grammar's statement starters, so it never
 * drifts from the language: `npm run editor-grammar` writes editors/vscode/syntaxes/, and a test
 * fails when the committed file is stale.
 */
import { KEYWORDS, keywordOf, nextTokens } from "../syntax/index.js";

const NAME = "[A-Za-z_][A-Za-z0-9_.:-]*";
/** Keywords are whole words: a name may contain `.`, `:` and `-`, so `\b` is not enough. */
const word = (alternatives: readonly string[]) =>
  `(?<![A-Za-z0-9_.:-])(?:${[...alternatives].sort((a, b) => b.length - a.length || a.localeCompare(b)).join("|")})(?![A-Za-z0-9_.:-])`;

/** Keywords that start a top-level statement or a block member, straight from the parser. */
export function statementKeywords(): string[] {
  const starters = new Set<string>(["end"]);
  for (const rule of [
    "rubricFile",
    "declaration",
    "criterionSetting",
    "judgeSetting",
    "pairwiseSetting",
    "sectionDecl",
  ]) {
    for (const n of nextTokens(rule, [])) {
      const w = keywordOf(n.tokenType);
      if (w) starters.add(w);
    }
  }
  return [...starters].sort();
}

export function textMateGrammar(): Record<string, unknown> {
  const control = statementKeywords();
  const other = KEYWORDS.filter((k) => !control.includes(k));
  return {
    $schema: "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
    name: "Rubric",
    scopeName: "source.rubric",
    fileTypes: ["rubric"],
    patterns: [
      { include: "#comment" },
      { include: "#text-block" },
      { include: "#string" },
      { include: "#regex" },
      { include: "#hash" },
      { include: "#declaration" },
      { include: "#keyword" },
      { include: "#number" },
    ],
    repository: {
      comment: { name: "comment.line.number-sign.rubric", match: "#.*$" },
      "text-block": { name: "string.quoted.triple.rubric", begin: '"""', end: '"""' },
      string: {
        name: "string.quoted.double.rubric",
        begin: '"',
        end: '"|$',
        patterns: [{ name: "constant.character.escape.rubric", match: '\\\\(?:["\\\\nt]|u[0-9A-Fa-f]{4})' }],
      },
      regex: { name: "string.regexp.rubric", match: "/(?:[^/\\\\\\n]|\\\\.)+/[a-z]*" },
      hash: { name: "constant.other.hash.rubric", match: "sha256:[0-9A-Za-z]*" },
      declaration: {
        patterns: [
          {
            match: `${word(["rubric", "part"])}\\s+(${NAME})`,
            captures: { 1: { name: "entity.name.namespace.rubric" } },
            name: "meta.header.rubric",
          },
          {
            match: `(${word(["criterion", "check", "gate"])})\\s+(${NAME})`,
            captures: { 1: { name: "keyword.control.rubric" }, 2: { name: "entity.name.function.rubric" } },
          },
          {
            match: `(${word(["input"])})\\s+(${NAME})`,
            captures: { 1: { name: "keyword.control.rubric" }, 2: { name: "variable.parameter.rubric" } },
          },
        ],
      },
      keyword: {
        patterns: [
          { name: "keyword.control.rubric", match: word(control) },
          { name: "keyword.other.rubric", match: word(other) },
        ],
      },
      number: {
        patterns: [
          { name: "constant.numeric.version.rubric", match: "(?<![A-Za-z0-9_.])\\d+\\.\\d+\\.\\d+[0-9A-Za-z.+-]*" },
          { name: "constant.numeric.rubric", match: "(?<![A-Za-z0-9_.:-])-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?" },
        ],
      },
    },
  };
}
