/**
 * Normalisation for quote matching, with a map back to the original text so a match found in
 * normalised space is reported at its true offsets. Folds: whitespace runs → one space, case,
 * curly quotes → straight, dashes → `-`, NBSP → space, `…` → `...`.
 */
const QUOTES: Record<number, number> = {
  0x2018: 39, 0x2019: 39, 0x201a: 39, 0x201b: 39, 0x2032: 39,
  0x201c: 34, 0x201d: 34, 0x201e: 34, 0x201f: 34, 0x2033: 34, 0x00ab: 34, 0x00bb: 34,
};

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isDash(c: number): boolean {
  return (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xfe58 || c === 0xfe63 || c === 0xff0d;
}

export interface Normalized {
  readonly text: string;
  /** For each UTF-16 unit of `text`, the offset of the original unit it came from. */
  readonly map: Int32Array;
}

export function normalize(original: string): Normalized {
  const codes: number[] = [];
  const map = new Int32Array(original.length * 3 + 1);
  let n = 0;
  let pendingSpace = -1;
  for (let i = 0; i < original.length; i++) {
    let c = original.charCodeAt(i);
    if (isSpace(c)) {
      if (pendingSpace === -1) pendingSpace = i;
      continue;
    }
    if (pendingSpace !== -1) {
      if (n > 0) {
        codes.push(32);
        map[n++] = pendingSpace;
      }
      pendingSpace = -1;
    }
    if (c === 0x2026) {
      for (let k = 0; k < 3; k++) {
        codes.push(46);
        map[n++] = i;
      }
      continue;
    }
    if (c >= 65 && c <= 90) c += 32;
    else if (c > 127) {
      c = QUOTES[c] ?? (isDash(c) ? 45 : c);
      if (c > 127) {
        // Fold case only where it keeps one unit per unit, so the offset map stays exact.
        const lower = String.fromCharCode(c).toLowerCase();
        if (lower.length === 1) c = lower.charCodeAt(0);
      }
    }
    codes.push(c);
    map[n++] = i;
  }
  let text = "";
  for (let i = 0; i < codes.length; i += 8192) text += String.fromCharCode(...codes.slice(i, i + 8192));
  return { text, map: map.subarray(0, n) };
}

/** The normalised form of a quote: also strips the quote marks a judge may wrap it in. */
export function normalizeQuote(quote: string): string {
  return normalize(quote).text.replace(/^["'\s]+|["'\s]+$/g, "");
}
