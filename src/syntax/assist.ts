/**
 * Helpers for editors: the token stream of a source and what the grammar allows next. Both come
 * from the lexer and parser themselves, so a keyword added to the language shows up in
 * completion and highlighting without a second list to keep in step.
 */
import type { IToken, TokenType } from "chevrotain";
import { rubricParser } from "./parser.js";
import { rubricTokens } from "./tokens.js";

export interface LexedSource {
  /** Tokens the parser sees, in order (unterminated texts included, so editors can colour them). */
  readonly tokens: readonly IToken[];
  readonly comments: readonly IToken[];
}

export function lexRubric(text: string): LexedSource {
  const lexed = rubricTokens().rubricLexer.tokenize(text);
  return { tokens: lexed.tokens, comments: lexed.groups.comments ?? [] };
}

/** One thing the grammar accepts next, and the rules it would be parsed in (outermost first). */
export interface NextToken {
  readonly tokenType: TokenType;
  readonly ruleStack: readonly string[];
}

/**
 * What may follow `preceding` when parsing starts at `startRule` (a rule of grammar/rubric.ebnf,
 * such as `rubricFile` or `declaration`). Empty when `preceding` is not a valid prefix there.
 */
export function nextTokens(startRule: string, preceding: readonly IToken[]): NextToken[] {
  try {
    return rubricParser()
      .computeContentAssist(startRule, [...preceding])
      .map((p) => ({ tokenType: p.nextTokenType, ruleStack: p.ruleStack }));
  } catch {
    // An unknown rule name or a prefix the interpreter cannot follow: nothing to offer.
    return [];
  }
}
