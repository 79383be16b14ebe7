/**
 * The syntax stage's API: source text in, AST and diagnostics out. Never throws on any input:
 * lexing and parsing problems become diagnostics with spans.
 */
import type { IToken } from "chevrotain";
import { type Diagnostic, error } from "../diagnostics/index.js";
import { suggest } from "../util/suggest.js";
import type { Comment, RubricFile } from "./ast.js";
import { foundWord } from "./messages.js";
import { rubricParser } from "./parser.js";
import { cstToAst } from "./to-ast.js";
import { KEYWORDS, rubricTokens } from "./tokens.js";

/** Sources past this size are refused before lexing: no real rubric comes near it. */
export const MAX_SOURCE_CHARS = 20_000_000;
/** One broken file should not print thousands of lines. */
const MAX_SYNTAX_DIAGNOSTICS = 50;

export interface ParseResult {
  readonly ast: RubricFile | null;
  readonly diagnostics: Diagnostic[];
}

export function parseRubric(text: string, file?: string): ParseResult {
  if (text.length > MAX_SOURCE_CHARS) {
    return {
      ast: null,
      diagnostics: [
        error(
          "source-too-large",
          `source is ${text.length} characters, over the limit of ${MAX_SOURCE_CHARS}; split it into parts and \`import\` them`,
          { start: 0, end: 0 },
          file,
        ),
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const { Identifier, rubricLexer } = rubricTokens();
  const lexed = rubricLexer.tokenize(text);
  for (const e of lexed.errors) {
    const start = e.offset;
    const ch = text.slice(start, start + 1);
    diagnostics.push(
      error(
        "lexing-error",
        `unexpected character \`${ch}\`; text must be in quotes ("…" or """…""")`,
        { start, end: start + Math.max(1, e.length) },
        file,
      ),
    );
  }
  const tokens = lexed.tokens.filter((t) => {
    const name = t.tokenType.name;
    if (name === "StringLit" && t.image.includes("\\")) {
      // Only the escapes grammar/spec.md lists; anything else is more likely a typo (`\d` meant
      // for a regex) than a wish for the letter, and silently keeping it would change the text.
      for (const m of t.image.matchAll(/\\(u[0-9a-fA-F]{4}|[ntr"\\/]|u|.?)/g)) {
        if (m[1]!.length === 5 || /^[ntr"\\/]$/.test(m[1]!)) continue;
        const start = t.startOffset + m.index;
        diagnostics.push(
          error(
            "unknown-escape",
            m[1] === "u"
              ? "`\\u` must be followed by four hex digits, as in `\\u00e9`"
              : `unknown escape \`\\${m[1]}\`; use \`\\n\`, \`\\t\`, \`\\r\`, \`\\"\`, \`\\\\\`, \`\\/\` or \`\\uXXXX\`, or write \`\\\\\` for a backslash`,
            { start, end: start + 1 + m[1]!.length },
            file,
          ),
        );
      }
    }
    if (name === "UnterminatedString") {
      diagnostics.push(
        error(
          "unterminated-string",
          'this quoted text has no closing `"` on the same line; close it, or use a `"""` block for several lines',
          { start: t.startOffset, end: t.startOffset + 1 },
          file,
        ),
      );
      return false;
    }
    if (name === "UnterminatedTextBlock") {
      diagnostics.push(
        error(
          "unterminated-text",
          'this `"""` text block is never closed; add `"""` where the text ends',
          { start: t.startOffset, end: t.startOffset + 3 },
          file,
        ),
      );
      return false;
    }
    return true;
  });
  const parser = rubricParser();
  parser.input = tokens;
  const cst = parser.rubricFile();
  for (const e of parser.errors) {
    const t = e.token;
    // At end of input the token has no offset; point just after the last real token instead.
    const prev = (e as { previousToken?: IToken }).previousToken;
    const at = Number.isNaN(t.startOffset)
      ? prev && !Number.isNaN(prev.startOffset)
        ? (prev.endOffset ?? prev.startOffset) + 1
        : text.length
      : t.startOffset;
    const end = Number.isNaN(t.startOffset) ? at : (t.endOffset ?? t.startOffset) + 1;
    let message = e.message || `unexpected ${foundWord(t)}`;
    // A plain word where the grammar wanted something else is most often a misspelt keyword.
    if (t.tokenType === Identifier && !message.includes("did you mean")) message += suggest(t.image, KEYWORDS);
    diagnostics.push(error("parsing-error", message, { start: at, end: Math.max(end, at) }, file));
  }
  const comments: Comment[] = (lexed.groups.comments ?? []).map((t) => ({
    kind: "Comment",
    text: t.image.replace(/\s+$/, ""),
    trailing: /\S/.test(text.slice(text.lastIndexOf("\n", t.startOffset - 1) + 1, t.startOffset)),
    blankAfter: /^[^\S\n]*\r?\n[^\S\n]*\r?\n/.test(text.slice((t.endOffset ?? t.startOffset) + 1)),
    loc: { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 },
  }));
  let ast: RubricFile | null = null;
  try {
    const partial = cstToAst(cst);
    ast = { ...partial, comments };
  } catch (err) {
    // The builder is defensive; if recovery produced a shape it did not foresee, report instead of crashing.
    if (diagnostics.length === 0) throw err;
  }
  return { ast, diagnostics: diagnostics.slice(0, MAX_SYNTAX_DIAGNOSTICS) };
}
