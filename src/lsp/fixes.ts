/**
 * Quick fixes for diagnostics whose message already says the fix: the compiler's messages are
 * the single source, so the editor offers exactly what the CLI tells the user to type.
 */
import type { Diagnostic } from "../diagnostics/index.js";

export interface Fix {
  readonly title: string;
  /** Replaces the diagnostic's span (an empty span inserts). */
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

const SUGGESTION = /; did you mean `([^`]+)`\?/;
const HASH = /(sha256:[0-9a-f]{64})/;

export function fixFor(d: Diagnostic, text: string): Fix | null {
  const span = d.span;
  if (!span) return null;
  if (d.code === "import-unpinned") {
    const hash = HASH.exec(d.message)?.[1];
    return hash
      ? { title: `Pin the import to ${hash.slice(0, 19)}…`, start: span.end, end: span.end, newText: ` ${hash}` }
      : null;
  }
  if (d.code === "import-hash-mismatch") {
    const hash = /hashes to `(sha256:[0-9a-f]{64})`/.exec(d.message)?.[1];
    if (!hash) return null;
    // The span is the old pin when there is one; never overwrite the path itself.
    if (!text.slice(span.start, span.end).startsWith("sha256:")) return null;
    return { title: `Update the pin to ${hash.slice(0, 19)}…`, start: span.start, end: span.end, newText: hash };
  }
  const word = SUGGESTION.exec(d.message)?.[1];
  if (!word) return null;
  const written = text.slice(span.start, span.end);
  // Only a single misspelt word is replaced; anything wider is left to the author.
  if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(written) || written === word) return null;
  return { title: `Change \`${written}\` to \`${word}\``, start: span.start, end: span.end, newText: word };
}
