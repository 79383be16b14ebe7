/**
 * Bounded fuzzy quote location, at word level: the best approximate substring of the text by
 * word edit distance, similarity = 1 − distance / (words in the quote).
 *
 * Never a full DP over the whole text. A match within `e` edits leaves at least one of any e + 1
 * quote words intact (each edit touches at most one quote word), so: a quote with more than `e`
 * words absent from the text is rejected at once; otherwise the occurrences of its e + 1 rarest
 * words (absent words count among them) anchor candidate windows, a window is kept only if it
 * holds n − e of the quote's words, and the approximate-substring DP (Sellers) runs only there.
 * Anchor occurrences are capped (MAX_ANCHOR_HITS) and so are windows (MAX_WINDOWS), which bounds
 * the work on huge or repetitive texts; the price is that a match may be missed there, which
 * fails closed.
 *
 * Word level because a fabricated quote differs from the text by whole words ("increase" for
 * "decrease" is one word, not two characters). A fuzzy match must also keep every negation and
 * number of the quote (see meaning.ts).
 */
import { meaningKey } from "./meaning.js";
import type { PreparedText } from "./prepare.js";
import { type WordIndex, wordsOf } from "./tokens.js";

/** Longer quotes are not matched fuzzily: the DP is quadratic in the quote's length. */
export const MAX_FUZZY_WORDS = 1000;
const MAX_ANCHOR_HITS = 4096;
const MAX_WINDOWS = 16;

export interface FuzzyMatch {
  /** Word indexes into the prepared text's words, half-open. */
  readonly startWord: number;
  readonly endWord: number;
  readonly similarity: number;
}

/** Diagonals (text position − quote position) where an intact anchor word would put the quote, ascending; null if none can. */
function anchorDiagonals(q: Int32Array, index: WordIndex, maxEdits: number): number[] | null {
  let absent = 0;
  const present: number[] = [];
  for (let i = 0; i < q.length; i++) {
    if (q[i]! < 0) absent++;
    else present.push(i);
  }
  if (absent > maxEdits) return null;
  present.sort((a, b) => index.count(q[a]!) - index.count(q[b]!) || a - b);
  const diagonals: number[] = [];
  for (const i of present.slice(0, maxEdits + 1 - absent)) {
    for (const h of index.positions(q[i]!)) {
      if (diagonals.length === MAX_ANCHOR_HITS) break;
      diagonals.push(h - i);
    }
  }
  return diagonals.sort((a, b) => a - b);
}

/**
 * Text windows around the anchored diagonals, overlapping ones merged: a match whose start s lies
 * within ±e of a diagonal d lies inside [d − 2e, d + n + 2e).
 */
function windowsAround(
  diagonals: readonly number[],
  n: number,
  maxEdits: number,
  length: number,
): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  for (const d of diagonals) {
    const lo = Math.max(0, d - 2 * maxEdits);
    const hi = Math.min(length, d + n + 2 * maxEdits);
    if (lo >= hi) continue;
    const last = windows[windows.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else windows.push([lo, hi]);
  }
  return windows;
}

/** The most quote words (as a multiset) any n + 2e consecutive words of the window hold. */
function sharedWords(q: Int32Array, ids: Int32Array, lo: number, hi: number, span: number): number {
  const need = new Map<number, number>();
  for (const id of q) if (id >= 0) need.set(id, (need.get(id) ?? 0) + 1);
  const have = new Map<number, number>();
  let shared = 0;
  let best = 0;
  for (let j = lo; j < hi; j++) {
    const id = ids[j]!;
    const h = (have.get(id) ?? 0) + 1;
    have.set(id, h);
    if (h <= (need.get(id) ?? 0)) shared++;
    const out = j - span;
    if (out >= lo) {
      const o = ids[out]!;
      const ho = have.get(o)!;
      have.set(o, ho - 1);
      if (ho <= (need.get(o) ?? 0)) shared--;
    }
    if (shared > best) best = shared;
  }
  return best;
}

/**
 * Sellers' approximate-substring DP of `q` within ids[lo, hi): least word edit distance, and the
 * earliest, tightest span reaching it (unmatched words at either edge are left out).
 */
function bestSubstring(
  q: Int32Array,
  ids: Int32Array,
  lo: number,
  hi: number,
): { dist: number; start: number; end: number } {
  const m = q.length;
  let prevD = new Int32Array(m + 1);
  let curD = new Int32Array(m + 1);
  let prevS = new Int32Array(m + 1);
  let curS = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) {
    prevD[i] = i;
    prevS[i] = lo;
  }
  let best = { dist: m, start: lo, end: lo, endsOnMatch: false };
  for (let j = lo; j < hi; j++) {
    const w = ids[j]!;
    curD[0] = 0;
    curS[0] = j + 1;
    for (let i = 1; i <= m; i++) {
      const diag = prevD[i - 1]! + (q[i - 1] === w ? 0 : 1);
      let d = curD[i - 1]! + 1; // quote word i left unmatched
      let s = curS[i - 1]!;
      if (diag < d || (diag === d && q[i - 1] === w)) {
        d = diag;
        s = prevS[i - 1]!;
      }
      if (prevD[i]! + 1 < d) {
        // text word j is extra
        d = prevD[i]! + 1;
        s = prevS[i]!;
      }
      curD[i] = d;
      curS[i] = s;
    }
    // Among equal distances the earliest end wins, unless a later one of the same alignment
    // ends on the quote's last word ("from the shelf" for "from shelf", not "from the").
    const endsOnMatch = q[m - 1] === w && prevD[m - 1] === curD[m];
    if (curD[m]! < best.dist || (curD[m] === best.dist && endsOnMatch && !best.endsOnMatch && curS[m] === best.start)) {
      best = { dist: curD[m]!, start: curS[m]!, end: j + 1, endsOnMatch };
    }
    [prevD, curD] = [curD, prevD];
    [prevS, curS] = [curS, prevS];
  }
  return best;
}

export function locateFuzzy(p: PreparedText, normalizedQuote: string, threshold: number): FuzzyMatch | null {
  const words = wordsOf(normalizedQuote);
  const n = words.length;
  if (n === 0 || n > MAX_FUZZY_WORDS) return null;
  const index = p.index();
  const ids = index.ids;
  if (ids.length === 0) return null;
  const maxEdits = Math.floor(n * (1 - threshold) + 1e-9);
  // Words absent from the text get ids of their own that match nothing.
  const q = Int32Array.from(words, (w, i) => {
    const id = index.idOf(w);
    return id === -1 ? -1 - i : id;
  });
  const diagonals = anchorDiagonals(q, index, maxEdits);
  if (!diagonals) return null;
  // A window is worth the DP only if some n + e consecutive words hold n − e quote words.
  const windows = windowsAround(diagonals, n, maxEdits, ids.length)
    .map((w) => ({ w, shared: sharedWords(q, ids, w[0], w[1], n + maxEdits) }))
    .filter((c) => c.shared >= n - maxEdits)
    .sort((a, b) => b.shared - a.shared || a.w[0] - b.w[0])
    .slice(0, MAX_WINDOWS);
  const key = meaningKey(words);
  const { starts, ends } = p.words();
  const text = p.normalized().text;
  const wordsAt = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => text.slice(starts[from + k], ends[from + k]));
  let best: FuzzyMatch | null = null;
  for (const {
    w: [lo, hi],
  } of windows) {
    const r = bestSubstring(q, ids, lo, hi);
    if (r.end <= r.start) continue;
    const similarity = 1 - r.dist / n;
    if (similarity < threshold - 1e-12) continue;
    if (meaningKey(wordsAt(r.start, r.end)) !== key) continue;
    if (!best || similarity > best.similarity || (similarity === best.similarity && r.start < best.startWord)) {
      best = { startWord: r.start, endWord: r.end, similarity };
    }
  }
  return best;
}
