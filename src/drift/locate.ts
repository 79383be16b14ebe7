/**
 * Pointing findings at the new source: a phrase from the IR is found in the `.rubric` text by
 * its words (whitespace-insensitive, since text blocks are dedented and wrapped), first inside
 * the block it belongs to (`criterion <id> … `, `instructions …`), then anywhere. Positions are
 * 1-based line and column.
 */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The part of a rubric a text or setting belongs to. */
export type Scope =
  | { readonly kind: "criterion" | "check" | "gate" | "input"; readonly id: string }
  | { readonly kind: "instructions" | "judge" | "mode" | "scale" | "aggregate" | "header" };

const STATEMENT =
  /^[ \t]*(?:criterion|check|gate|section|aggregate|rounding|instructions|judge|input|scale|mode|per item|import|title|description|tags)\b/gm;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function headerPattern(scope: Scope): RegExp | null {
  switch (scope.kind) {
    case "criterion":
    case "check":
    case "gate":
    case "input":
      return new RegExp(`^[ \\t]*${scope.kind}[ \\t]+${escapeRegExp(scope.id)}(?=[\\s"]|$)`, "m");
    case "header":
      return /^[ \t]*rubric\b/m;
    default:
      return new RegExp(`^[ \\t]*${scope.kind}\\b`, "m");
  }
}

export class SourceLocator {
  private readonly lineStarts: number[] = [0];
  private readonly scopes = new Map<string, readonly [number, number] | null>();

  constructor(private readonly source: string) {
    for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
  }

  position(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  /** [start, end) of a block: from its header to the next top-level statement. */
  span(scope: Scope): readonly [number, number] | null {
    const key = scope.kind + ("id" in scope ? ` ${scope.id}` : "");
    if (this.scopes.has(key)) return this.scopes.get(key)!;
    const re = headerPattern(scope);
    const m = re ? re.exec(this.source) : null;
    let span: readonly [number, number] | null = null;
    if (m) {
      STATEMENT.lastIndex = m.index + m[0].length;
      const next = scope.kind === "header" ? null : STATEMENT.exec(this.source);
      span = [m.index + m[0].length - m[0].trimStart().length, next ? next.index : this.source.length];
    }
    this.scopes.set(key, span);
    return span;
  }

  /** Where the block starts (its keyword). */
  start(scope: Scope): SourcePosition | null {
    const s = this.span(scope);
    return s ? this.position(s[0]) : null;
  }

  /** The first match of `re` inside the block. */
  match(re: RegExp, scope: Scope): SourcePosition | null {
    const s = this.span(scope);
    if (!s) return null;
    const m = new RegExp(re.source, re.flags.replace("g", "")).exec(this.source.slice(s[0], s[1]));
    // A match of indentation-led statements points at the keyword, not the indentation.
    return m ? this.position(s[0] + m.index + m[0].length - m[0].trimStart().length) : null;
  }

  /** A phrase (its first eight words) inside the block, else anywhere in the source. */
  find(phrase: string, scope?: Scope): SourcePosition | null {
    const ws = phrase.trim().split(/\s+/).filter(Boolean).slice(0, 8);
    if (ws.length === 0) return null;
    // Quoted strings escape `"` and `\`, so the source may hold a backslash the IR does not.
    const re = new RegExp(ws.map((w) => escapeRegExp(w).replace(/"/g, '\\\\?"')).join("\\s+"), "i");
    const s = scope ? this.span(scope) : null;
    if (s) {
      const m = re.exec(this.source.slice(s[0], s[1]));
      if (m) return this.position(s[0] + m.index);
    }
    const m = re.exec(this.source);
    return m ? this.position(m.index) : null;
  }
}

/** The few words of `text` starting at `offset`, as a phrase to find in the source. */
export function phraseAt(text: string, offset: number, count = 6): string {
  let start = Math.max(0, Math.min(offset, text.length));
  while (start > 0 && start < text.length && /\S/.test(text[start - 1]!) && /\S/.test(text[start]!)) start--;
  const rest = text.slice(start).trim();
  const ws = rest.split(/\s+/).filter(Boolean).slice(0, count);
  if (ws.length > 0) return ws.join(" ");
  // At the very end: the last words before it.
  return text.trim().split(/\s+/).slice(-count).join(" ");
}
