import type { IToken } from "chevrotain";

/** Index of the first token starting at or after `offset` (tokens are in source order). */
export function firstAtOrAfter(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const tokenEnd = (t: IToken): number => (t.endOffset ?? t.startOffset) + 1;

/** The token under `offset`, or the one ending right before it (a cursor just after a word). */
export function tokenAt(tokens: readonly IToken[], offset: number): IToken | undefined {
  const i = firstAtOrAfter(tokens, offset + 1) - 1;
  const t = tokens[i];
  return t && offset <= tokenEnd(t) ? t : undefined;
}
