/**
 * Quotes with elided text (`the patient reported … to call 911`). Each part must be found in
 * order in the normalised text, and the match spans from the first part's start to the last
 * part's end. Eliding lets a judge stitch short fragments into a sentence the text never says,
 * so each part must be at least two words long and must sit on word boundaries: `not … safe`
 * cannot be assembled from stray words.
 */
import { countWords, isWordChar } from "./tokens.js";

/** `...`, `. . .`, `....`, and the bracketed `[...]` / `(...)` of scholarly quoting. */
const ELLIPSIS = /\s*[[(]?\.(?:\s?\.){2,}[\])]?\s*/g;

export const MIN_SEGMENT_WORDS = 2;

/** The quote's parts around ellipses, empty parts (a leading or trailing ellipsis) dropped. */
export function segmentsOf(normalizedQuote: string): string[] {
  return normalizedQuote
    .split(ELLIPSIS)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The quote with every ellipsis (and quote marks left at its ends) removed, for length checks and fuzzy matching. */
export function withoutEllipses(normalizedQuote: string): string {
  return segmentsOf(normalizedQuote)
    .join(" ")
    .replace(/^["'\s]+|["'\s]+$/g, "");
}

function onBoundaries(text: string, at: number, seg: string): boolean {
  const end = at + seg.length;
  const startOk = !isWordChar(seg[0]) || !isWordChar(text[at - 1]);
  const endOk = !isWordChar(seg[seg.length - 1]) || !isWordChar(text[end]);
  return startOk && endOk;
}

/** Normalised [start, end) of the elided quote, or null. */
export function locateSegments(text: string, segments: readonly string[]): { start: number; end: number } | null {
  if (segments.length < 2) return null;
  if (segments.some((s) => countWords(s) < MIN_SEGMENT_WORDS)) return null;
  let from = 0;
  let first = -1;
  let end = -1;
  // Leftmost placement of each part after the previous one: if any in-order placement exists,
  // this one does, and it starts earliest.
  for (const seg of segments) {
    let at = text.indexOf(seg, from);
    while (at !== -1 && !onBoundaries(text, at, seg)) at = text.indexOf(seg, at + 1);
    if (at === -1) return null;
    if (first === -1) first = at;
    end = at + seg.length;
    from = end;
  }
  return { start: first, end };
}
