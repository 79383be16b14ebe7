/**
 * Semantic tokens from the lexer's own tokens, with names classified by what they denote
 * (a keyword used as a name is coloured as the name). Multi-line text blocks are split per
 * line, since most clients do not take multi-line tokens.
 */
import type { IToken } from "chevrotain";
import type { SemanticTokens, SemanticTokensLegend } from "vscode-languageserver";
import { keywordOf } from "../syntax/index.js";
import type { Analysis } from "./analysis.js";
import type { SymbolKind } from "./symbols.js";
import { tokenEnd } from "./tokens.js";

export const TOKEN_TYPES = [
  "keyword",
  "string",
  "number",
  "comment",
  "regexp",
  "namespace",
  "property",
  "function",
  "event",
  "parameter",
  "enumMember",
  "variable",
] as const;
export const TOKEN_MODIFIERS = ["declaration"] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenTypeName = (typeof TOKEN_TYPES)[number];
const typeIndex = (t: TokenTypeName) => TOKEN_TYPES.indexOf(t);

const BY_KIND: Record<SymbolKind, TokenTypeName> = {
  criterion: "property",
  check: "function",
  gate: "event",
  input: "parameter",
};

function lexical(t: IToken): TokenTypeName | null {
  if (keywordOf(t.tokenType)) return "keyword";
  switch (t.tokenType.name) {
    case "StringLit":
    case "TextBlock":
    case "UnterminatedString":
    case "UnterminatedTextBlock":
      return "string";
    case "NumberLit":
    case "Version":
      return "number";
    case "RegexLit":
      return "regexp";
    case "Hash":
      return "enumMember";
    case "Identifier":
      return "variable";
    default:
      return null;
  }
}

export function semanticTokens(a: Analysis): SemanticTokens {
  const symbols = a.symbols;
  const named = new Map<number, { type: TokenTypeName; declaration: boolean }>();
  for (const o of symbols.occurrences) {
    const def = (o.namespace === "item" ? symbols.items : symbols.inputs).get(o.name);
    named.set(o.span.start, {
      type: def ? BY_KIND[def.kind] : o.namespace === "input" ? "parameter" : "property",
      declaration: o.declaration,
    });
  }
  const header = a.result.ast?.header;
  if (header) named.set(header.id.loc.start, { type: "namespace", declaration: true });
  const spans: { start: number; end: number; type: number; mods: number }[] = [];
  for (const t of a.lexed.tokens) {
    const n = named.get(t.startOffset);
    const type = n?.type ?? lexical(t);
    if (type)
      spans.push({ start: t.startOffset, end: tokenEnd(t), type: typeIndex(type), mods: n?.declaration ? 1 : 0 });
  }
  for (const c of a.lexed.comments)
    spans.push({ start: c.startOffset, end: tokenEnd(c), type: typeIndex("comment"), mods: 0 });
  spans.sort((x, y) => x.start - y.start);
  const data: number[] = [];
  let line = 0;
  let char = 0;
  const text = a.text;
  for (const s of spans) {
    let start = s.start;
    while (start < s.end) {
      const nl = text.indexOf("\n", start);
      const stop = nl === -1 || nl >= s.end ? s.end : nl;
      if (stop > start) {
        const p = a.doc.positionAt(start);
        data.push(p.line - line, p.line === line ? p.character - char : p.character, stop - start, s.type, s.mods);
        line = p.line;
        char = p.character;
      }
      start = stop + 1;
    }
  }
  return { data };
}
