/**
 * One judged text, prepared once and shared by every quote looked up in it. Each layer is built
 * on first use: most quotes match exactly and never pay for normalisation, and most of the rest
 * match after normalisation and never pay for the word index.
 */
import { type Normalized, normalize } from "./normalize.js";
import { indexText, type WordIndex, type Words } from "./tokens.js";

export interface PreparedText {
  readonly original: string;
  normalized(): Normalized;
  words(): Words;
  index(): WordIndex;
}

export function prepareText(original: string): PreparedText {
  let norm: Normalized | undefined;
  let indexed: { words: Words; index: WordIndex } | undefined;
  const textIndex = () => {
    indexed ??= indexText(prepared.normalized().text);
    return indexed;
  };
  const prepared: PreparedText = {
    original,
    normalized: () => (norm ??= normalize(original)),
    words: () => textIndex().words,
    index: () => textIndex().index,
  };
  return prepared;
}

/** Original offsets of the normalised range [start, end), which must be non-empty. */
export function toOriginal(p: PreparedText, start: number, end: number): { start: number; end: number } {
  const n = p.normalized();
  return { start: n.starts[start]!, end: n.ends[end - 1]! };
}
