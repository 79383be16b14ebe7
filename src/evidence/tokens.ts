/**
 * Words of normalised text, as integer ids, for fuzzy matching. Punctuation is not a word, so a
 * quote that differs from the text only in punctuation still lines up word for word. Hyphens
 * split words (`well-known` = `well known`); apostrophes do not (`don't` stays one word, so a
 * dropped negation is a changed word).
 */
export const WORD = /[\p{L}\p{N}\p{M}]+(?:'[\p{L}\p{N}\p{M}]+)*/gu;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch);
}

export interface Words {
  /** Offsets in the normalised text, half-open. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

const ASCII_WORD = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_WORD[c] = 1;
for (let c = 65; c <= 90; c++) ASCII_WORD[c] = ASCII_WORD[c + 32] = 1;

/** Length in units of the word character at i, or 0 if there is none. */
function wordCharAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 128) return ASCII_WORD[c]!;
  if (Number.isNaN(c)) return 0;
  const len = c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  return WORD_CHAR.test(s.slice(i, i + len)) ? len : 0;
}

/** Calls `each(start, end)` for every word of `normalized`: what WORD matches, without a regex for speed. */
function scanWords(normalized: string, each: (start: number, end: number) => void): void {
  const n = normalized.length;
  let i = 0;
  while (i < n) {
    let len = wordCharAt(normalized, i);
    if (len === 0) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      while (len > 0) {
        i += len;
        len = wordCharAt(normalized, i);
      }
      if (normalized.charCodeAt(i) !== 39) break;
      len = wordCharAt(normalized, i + 1);
      if (len === 0) break;
      i++;
    }
    each(start, i);
  }
}

/** The words of a short text, such as a quote. */
export function wordsOf(normalized: string): string[] {
  const texts: string[] = [];
  scanWords(normalized, (start, end) => texts.push(normalized.slice(start, end)));
  return texts;
}

/** How many words WORD finds in `text`, counted without a match object per word. */
export function countWords(text: string): number {
  let n = 0;
  scanWords(text, () => n++);
  return n;
}

/** The text's words as ids, and where each id occurs, for anchoring candidate windows. */
export interface WordIndex {
  readonly ids: Int32Array;
  /** The id of a word, or -1 if the text does not contain it. */
  idOf(word: string): number;
  /** How often the word with this id occurs. */
  count(id: number): number;
  /** Positions (word indexes) of the id's occurrences, ascending. */
  positions(id: number): Int32Array;
}

function hashRange(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function sameRange(a: string, aStart: number, b: string, bStart: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (a.charCodeAt(aStart + k) !== b.charCodeAt(bStart + k)) return false;
  return true;
}

/**
 * The words of a whole text and their index, built in one pass. Words are interned with an
 * open-addressing table over the normalised text itself, so no string is made per word: this is
 * most of what preparing a text for fuzzy matching costs.
 */
export function indexText(normalized: string): { words: Words; index: WordIndex } {
  const capacity = (normalized.length >> 1) + 1; // a word and a separator take two units at least
  const starts = new Int32Array(capacity);
  const ends = new Int32Array(capacity);
  const ids = new Int32Array(capacity);
  let size = 1024;
  while (size < capacity) size <<= 1;
  const table = new Int32Array(size).fill(-1); // slot → id
  const mask = size - 1;
  const first: number[] = []; // id → word index of its first occurrence
  let n = 0;
  scanWords(normalized, (start, end) => {
    let slot = hashRange(normalized, start, end) & mask;
    let id = table[slot]!;
    while (id !== -1) {
      const f = first[id]!;
      if (ends[f]! - starts[f]! === end - start && sameRange(normalized, starts[f]!, normalized, start, end - start))
        break;
      slot = (slot + 1) & mask;
      id = table[slot]!;
    }
    if (id === -1) {
      id = first.length;
      first.push(n);
      table[slot] = id;
    }
    starts[n] = start;
    ends[n] = end;
    ids[n] = id;
    n++;
  });
  // Positions grouped by id with a counting sort: one array, sliced per id on demand.
  const offsets = new Int32Array(first.length + 1);
  for (let k = 0; k < n; k++) offsets[ids[k]! + 1]! += 1;
  for (let id = 0; id < first.length; id++) offsets[id + 1]! += offsets[id]!;
  const flat = new Int32Array(n);
  const fill = offsets.slice(0, first.length);
  for (let k = 0; k < n; k++) flat[fill[ids[k]!]!++] = k;
  const wordStarts = starts.subarray(0, n);
  const wordEnds = ends.subarray(0, n);
  const idOf = (word: string): number => {
    let slot = hashRange(word, 0, word.length) & mask;
    for (let id = table[slot]!; id !== -1; id = table[slot]!) {
      const f = first[id]!;
      if (wordEnds[f]! - wordStarts[f]! === word.length && sameRange(normalized, wordStarts[f]!, word, 0, word.length))
        return id;
      slot = (slot + 1) & mask;
    }
    return -1;
  };
  return {
    words: { starts: wordStarts, ends: wordEnds },
    index: {
      ids: ids.subarray(0, n),
      idOf,
      count: (id) => offsets[id + 1]! - offsets[id]!,
      positions: (id) => flat.subarray(offsets[id]!, offsets[id + 1]!),
    },
  };
}
