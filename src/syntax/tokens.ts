/**
 * Tokens of the rubric language. Keywords are ordinary words that also count as names
 * (category `Name`), so a criterion may be called `score` or an input `evidence`; the parser
 * decides by position. Newlines carry no meaning: every statement starts with a keyword.
 */
import type { TokenType } from "chevrotain";
import { lazy } from "../util/lazy.js";
import { chevrotainPackage } from "../util/packages.js";

/** Every keyword, as written; completion, hovers and the editor grammar derive from this. */
export const KEYWORDS = [
  "rubric",
  "part",
  "version",
  "title",
  "description",
  "tags",
  "mode",
  "pointwise",
  "pairwise",
  "compare",
  "and",
  "or",
  "swap",
  "order",
  "ties",
  "allowed",
  "no",
  "disagrees",
  "tie",
  "flag",
  "input",
  "quotable",
  "scale",
  "to",
  "step",
  "pass",
  "fail",
  "instructions",
  "judge",
  "temperature",
  "samples",
  "seed",
  "max",
  "tokens",
  "reasoning",
  "effort",
  "budget",
  "each",
  "separately",
  "evidence",
  "before",
  "verdict",
  "quote",
  "quotes",
  "match",
  "if",
  "then",
  "fails",
  "passes",
  "unmet",
  "met",
  "retry",
  "cap",
  "set",
  "score",
  "at",
  "least",
  "most",
  "from",
  "words",
  "word",
  "characters",
  "section",
  "criterion",
  "binary",
  "checklist",
  "levels",
  "level",
  "end",
  "weight",
  "points",
  "gate",
  "when",
  "is",
  "not",
  "below",
  "above",
  "check",
  "of",
  "between",
  "contains",
  "does",
  "contain",
  "ignoring",
  "case",
  "whitespace",
  "matches",
  "matching",
  "valid",
  "json",
  "equals",
  "as",
  "number",
  "within",
  "aggregate",
  "rounding",
  "per",
  "item",
  "criteria",
  "import",
  "text",
  "conversation",
  "reference",
  "image",
  "in",
  "turns",
  "calls",
  "call",
  "tool",
  "last",
  "message",
  "with",
  "arguments",
] as const;
export type Keyword = (typeof KEYWORDS)[number];

/** The word a keyword token stands for, or undefined for any other token type. */
export function keywordOf(t: TokenType): string | undefined {
  return t.name.startsWith("Kw_") ? t.name.slice("Kw_".length) : undefined;
}

/**
 * The token types and the lexer, made on first use: loading Chevrotain costs more than a caller
 * who never parses should pay.
 */
export const rubricTokens = lazy(() => {
  const { createToken, Lexer } = chevrotainPackage();
  const WhiteSpace = createToken({
    name: "WhiteSpace",
    pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
    group: Lexer.SKIPPED,
  });
  const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: "comments" });

  const TextBlock = createToken({ name: "TextBlock", pattern: /"""[\s\S]*?"""/, line_breaks: true });
  // Matched only when the real TextBlock / String failed, so the error can say "unterminated".
  const UnterminatedTextBlock = createToken({
    name: "UnterminatedTextBlock",
    pattern: /"""[\s\S]*/,
    line_breaks: true,
  });
  const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\n]|\\.)*"/ });
  const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n]|\\.)*/ });
  const RegexLit = createToken({ name: "RegexLit", pattern: /\/(?:[^/\\\n]|\\.)+\/[a-z]*/ });
  const Hash = createToken({ name: "Hash", pattern: /sha256:[0-9A-Za-z]*/ });
  const Version = createToken({ name: "Version", pattern: /\d+\.\d+\.\d+[0-9A-Za-z.+-]*/ });
  const NumberLit = createToken({ name: "NumberLit", pattern: /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/ });
  const DotDot = createToken({ name: "DotDot", pattern: /\.\./ });
  const Comma = createToken({ name: "Comma", pattern: /,/ });
  const Colon = createToken({ name: "Colon", pattern: /:/ });

  const Name = createToken({ name: "Name", pattern: Lexer.NA });
  const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_.:-]*/, categories: [Name] });

  const keywordTokens: TokenType[] = [];
  function kw(word: string): TokenType {
    const t = createToken({
      name: `Kw_${word}`,
      pattern: new RegExp(word),
      longer_alt: Identifier,
      categories: [Name],
      label: `\`${word}\``,
    });
    keywordTokens.push(t);
    return t;
  }

  const K = Object.fromEntries(KEYWORDS.map((w) => [w, kw(w)])) as Record<Keyword, TokenType>;

  // The lexer takes the first pattern that matches: these in this order, then the keywords with
  // longer ones before their prefixes (`order` before `or`; `longer_alt` then turns `orders` into
  // an Identifier), then Identifier.
  const fixed = {
    WhiteSpace,
    Comment,
    TextBlock,
    UnterminatedTextBlock,
    StringLit,
    UnterminatedString,
    RegexLit,
    Hash,
    Version,
    NumberLit,
    DotDot,
    Comma,
    Colon,
    Name,
  };
  const allTokens: TokenType[] = [
    ...Object.values(fixed),
    ...[...keywordTokens].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length),
    Identifier,
  ];

  // Validating the token definitions is for when they change (tests/syntax/grammar.test.ts runs
  // it), not for every run: it was a tenth of `rulers compile`'s start-up.
  const rubricLexer = new Lexer(allTokens, {
    positionTracking: "full",
    ensureOptimizations: false,
    skipValidations: true,
  });
  return { ...fixed, Identifier, K, allTokens, rubricLexer };
});

/** What Chevrotain's validation finds wrong with the token definitions (empty: nothing). */
export function lexerDefinitionErrors(): string[] {
  const { Lexer } = chevrotainPackage();
  const lexer = new Lexer(rubricTokens().allTokens, {
    positionTracking: "full",
    ensureOptimizations: false,
    deferDefinitionErrorsHandling: true,
  });
  return lexer.lexerDefinitionErrors.map((e) => e.message);
}
