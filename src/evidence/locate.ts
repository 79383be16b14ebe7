/**
 * Finding a cited quote in the text it claims to come from: exact, then normalised (with
 * ellipses as elisions), then a bounded fuzzy match. A quote that is not found is `none`; a
 * fabricated quote must never come back verified, so fuzzy matching is word-level, needs a
 * minimum length, and only looks near anchor words the quote shares with the text.
 */
import { normalize, normalizeQuote, type Normalized } from "./normalize.js";

export type MatchKind = "exact" | "normalized" | "fuzzy" | "none";

export interface QuoteMatch {
  readonly match: MatchKind;
  /** Half-open UTF-16 offsets into the original text. */
  readonly start?: number;
  readonly end?: number;
  /** Word-level similarity in [0, 1]; 1 for exact and normalised matches. */
  readonly similarity?: number;
}

export interface LocateOptions {
  /** Similarity a fuzzy match must reach (the rubric's `quote match`). */
  readonly fuzzyThreshold: number;
  /** Quotes shorter than this (normalised characters) are never matched fuzzily. */
  readonly minFuzzyChars?: number;
}

interface Word {
  readonly text: string;
  readonly start: number; // offset in normalised text
  readonly end: number;
}

export interface PreparedText {
  readonly original: string;
  normalized(): Normalized;
  words(): readonly Word[];
  index(): ReadonlyMap<string, number[]>;
}

const WORD = /[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu;

function wordsOf(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) out.push({ text: m[0], start: m.index!, end: m.index! + m[0].length });
  return out;
}

/** Lazily prepared: most quotes match exactly and never pay for normalisation or indexing. */
export function prepareText(original: string): PreparedText {
  let norm: Normalized | undefined;
  let words: Word[] | undefined;
  let index: Map<string, number[]> | undefined;
  const prepared: PreparedText = {
    original,
    normalized: () => (norm ??= normalize(original)),
    words: () => (words ??= wordsOf(prepared.normalized().text)),
    index: () => {
      if (!index) {
        index = new Map();
        prepared.words().forEach((w, i) => {
          const list = index!.get(w.text);
          if (list) list.push(i);
          else index!.set(w.text, [i]);
        });
      }
      return index;
    },
  };
  return prepared;
}

function toOriginal(p: PreparedText, nStart: number, nEnd: number): { start: number; end: number } {
  const map = p.normalized().map;
  const start = map[nStart]!;
  const last = map[nEnd - 1]!;
  // The last normalised unit may stand for a surrogate pair or an ellipsis: include all of it.
  let end = last + 1;
  const code = p.original.charCodeAt(last);
  if (code >= 0xd800 && code <= 0xdbff) end++;
  return { start, end };
}

function locateNormalized(p: PreparedText, quote: string): QuoteMatch | null {
  const n = p.normalized().text;
  const segments = quote.split(/\s*\.\.\.\s*/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (segments.length === 0) return null;
  let from = 0;
  let first = -1;
  let lastEnd = -1;
  for (const seg of segments) {
    const at = n.indexOf(seg, from);
    if (at === -1) return null;
    if (first === -1) first = at;
    lastEnd = at + seg.length;
    from = lastEnd;
  }
  return { match: "normalized", ...toOriginal(p, first, lastEnd), similarity: 1 };
}

/** Approximate-substring edit distance of `q` within `t` (Sellers), word level. */
function bestWindow(q: readonly string[], t: readonly Word[], from: number, to: number): { dist: number; start: number; end: number } {
  const m = q.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  const startOf = new Int32Array(m + 1);
  let prevStart = new Int32Array(m + 1).fill(from);
  for (let i = 0; i <= m; i++) prev[i] = i;
  let best = { dist: m, start: from, end: from };
  for (let j = from; j < to; j++) {
    cur[0] = 0;
    startOf[0] = j;
    const w = t[j]!.text;
    for (let i = 1; i <= m; i++) {
      const sub = prev[i - 1]! + (q[i - 1] === w ? 0 : 1);
      const del = cur[i - 1]! + 1;
      const ins = prev[i]! + 1;
      if (sub <= del && sub <= ins) {
        cur[i] = sub;
        startOf[i] = i === 1 ? j : prevStart[i - 1]!;
      } else if (ins <= del) {
        cur[i] = ins;
        startOf[i] = prevStart[i]!;
      } else {
        cur[i] = del;
        startOf[i] = startOf[i - 1]!;
      }
    }
    if (cur[m]! < best.dist) best = { dist: cur[m]!, start: startOf[m]!, end: j + 1 };
    [prev, cur] = [cur, prev];
    prevStart.set(startOf);
  }
  return best;
}

const MAX_CANDIDATES = 16;

function locateFuzzy(p: PreparedText, quote: string, threshold: number): QuoteMatch | null {
  const q = wordsOf(quote).map((w) => w.text);
  if (q.length < 3) return null;
  const words = p.words();
  const index = p.index();
  // Anchor on the quote's rarest words that occur in the text: a real quote shares them, and
  // their positions say where the quote must start.
  const anchors = q
    .map((w, i) => ({ i, hits: index.get(w) }))
    .filter((a): a is { i: number; hits: number[] } => a.hits !== undefined)
    .sort((a, b) => a.hits.length - b.hits.length)
    .slice(0, 4);
  const maxEdits = Math.floor(q.length * (1 - threshold));
  if (anchors.length === 0) return null;
  const starts = new Set<number>();
  for (const a of anchors) {
    for (const h of a.hits.slice(0, MAX_CANDIDATES)) starts.add(Math.max(0, h - a.i));
    if (starts.size >= MAX_CANDIDATES) break;
  }
  let best: { dist: number; start: number; end: number } | null = null;
  for (const s of [...starts].slice(0, MAX_CANDIDATES)) {
    const from = Math.max(0, s - maxEdits - 1);
    const to = Math.min(words.length, s + q.length + maxEdits + 1);
    const r = bestWindow(q, words, from, to);
    if (!best || r.dist < best.dist) best = r;
    if (best.dist === 0) break;
  }
  if (!best || best.end <= best.start) return null;
  const similarity = 1 - best.dist / q.length;
  if (similarity < threshold) return null;
  const { start, end } = toOriginal(p, words[best.start]!.start, words[best.end - 1]!.end);
  return { match: "fuzzy", start, end, similarity: Math.round(similarity * 1e4) / 1e4 };
}

export function locateQuote(p: PreparedText, quote: string, opts: LocateOptions): QuoteMatch {
  if (quote.trim() === "") return { match: "none" };
  const exact = p.original.indexOf(quote);
  if (exact !== -1) return { match: "exact", start: exact, end: exact + quote.length, similarity: 1 };
  const nq = normalizeQuote(quote);
  if (nq === "" || nq === "...") return { match: "none" };
  const normalized = locateNormalized(p, nq);
  if (normalized) return normalized;
  if (nq.replace(/\.\.\./g, "").length < (opts.minFuzzyChars ?? 12)) return { match: "none" };
  return locateFuzzy(p, nq.replace(/\.\.\./g, " "), opts.fuzzyThreshold) ?? { match: "none" };
}
