/**
 * Finding a cited quote in the text it claims to come from, in order: exact substring; the
 * normalised quote in the normalised text; the normalised quote as parts around ellipses, in
 * order; a bounded word-level fuzzy match. The judged text is untrusted and the judge may invent
 * quotes, so every step errs towards `none`: short quotes are never matched fuzzily, elided parts
 * must be real phrases, and fuzzy matches must keep negations and numbers.
 */
import { locateSegments, segmentsOf, withoutEllipses } from "./elision.js";
import { locateFuzzy } from "./fuzzy.js";
import { normalizeQuote } from "./normalize.js";
import { type PreparedText, toOriginal } from "./prepare.js";

export type MatchKind = "exact" | "normalized" | "fuzzy" | "none";

export interface QuoteMatch {
  readonly match: MatchKind;
  /** Half-open UTF-16 offsets into the original text; absent for `none`. */
  readonly start?: number;
  readonly end?: number;
  /** Word-level similarity in [0, 1]: the fuzzy score, 1 for exact and normalised matches. */
  readonly similarity?: number;
}

export interface LocateOptions {
  /** Similarity in (0, 1] a fuzzy match must reach (the rubric's `quote match`). */
  readonly fuzzyThreshold: number;
  /** Quotes with fewer normalised characters (ellipses aside) match nothing; default 1. */
  readonly minQuoteChars?: number;
  /** Quotes with fewer normalised characters are never matched fuzzily; default 12. */
  readonly minFuzzyChars?: number;
}

export const DEFAULT_MIN_FUZZY_CHARS = 12;
const NONE: QuoteMatch = { match: "none" };

const MARK = /^\p{M}/u;
const HAS_CONTENT = /[\p{L}\p{N}]/u;

/** Whether offset i falls inside a character: within a surrogate pair or before a combining mark. */
function splitsCharacter(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c >= 0xdc00 && c <= 0xdfff && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800) return true;
  return c >= 0x300 && MARK.test(text.slice(i, i + 2));
}

/**
 * First occurrence that does not cut a character in two: `cafe` is not a quote of `cafe\u0301`
 * (café), whose normalised form does not contain it either.
 */
function indexOfWhole(text: string, quote: string): number {
  let at = text.indexOf(quote);
  while (at !== -1 && (splitsCharacter(text, at) || splitsCharacter(text, at + quote.length)))
    at = text.indexOf(quote, at + 1);
  return at;
}

export function locateQuote(p: PreparedText, quote: string, opts: LocateOptions): QuoteMatch {
  const threshold = opts.fuzzyThreshold;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`fuzzy threshold ${threshold} is not in (0, 1]`);
  const minChars = opts.minQuoteChars ?? 1;
  const exact = quote.length >= minChars ? indexOfWhole(p.original, quote) : -1;
  // Most quotes are verbatim; one with a letter or digit needs no normalising to know it is not
  // empty, unless a minimum length asks for the normalised count.
  if (exact !== -1 && minChars <= 1 && HAS_CONTENT.test(quote))
    return { match: "exact", start: exact, end: exact + quote.length, similarity: 1 };

  const nq = normalizeQuote(quote);
  const core = withoutEllipses(nq);
  if (core.length === 0 || core.length < minChars) return NONE;
  if (exact !== -1) return { match: "exact", start: exact, end: exact + quote.length, similarity: 1 };

  const text = p.normalized().text;
  const at = text.indexOf(nq);
  if (at !== -1) return { match: "normalized", ...toOriginal(p, at, at + nq.length), similarity: 1 };
  const elided = locateSegments(text, segmentsOf(nq));
  if (elided) return { match: "normalized", ...toOriginal(p, elided.start, elided.end), similarity: 1 };

  if (core.length < Math.max(opts.minFuzzyChars ?? DEFAULT_MIN_FUZZY_CHARS, minChars)) return NONE;
  const fuzzy = locateFuzzy(p, core, threshold);
  if (!fuzzy) return NONE;
  const words = p.words();
  return {
    match: "fuzzy",
    ...toOriginal(p, words.starts[fuzzy.startWord]!, words.ends[fuzzy.endWord - 1]!),
    similarity: fuzzy.similarity,
  };
}
