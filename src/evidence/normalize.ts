/**
 * Normalisation for quote matching, with maps back to the original text so a match found in
 * normalised space is reported at its true offsets.
 *
 * Folds: whitespace runs → one space (leading and trailing dropped), letter case, curly and
 * angle quotes → `'` `"`, dashes and minus → `-`, `…` → `...`, NBSP and other Unicode spaces →
 * space; invisible format characters (soft hyphen, zero-width space/joiners, BOM) are dropped.
 * Outside ASCII, each character together with its combining marks is NFKC-normalised and
 * lower-cased as one cluster: every unit it produces maps to the whole cluster, so expansions
 * (`ﬁ` → `fi`) and compositions (`e` + U+0301 → `é`) never shift an offset. NFKC across cluster
 * boundaries (e.g. conjoining Hangul jamo) is not applied, which is the "safe for offsets" part.
 */
const QUOTES: Readonly<Record<number, number>> = {
  8216: 39,
  8217: 39,
  8218: 39,
  8219: 39,
  8242: 39,
  8249: 39,
  8250: 39,
  96: 39,
  180: 39,
  8220: 34,
  8221: 34,
  8222: 34,
  8223: 34,
  8243: 34,
  171: 34,
  187: 34,
  12317: 34,
  12318: 34,
};

function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isDash(c: number): boolean {
  return (
    (c >= 0x2010 && c <= 0x2015) ||
    c === 0x2212 ||
    c === 0x2e3a ||
    c === 0x2e3b ||
    c === 0xfe58 ||
    c === 0xfe63 ||
    c === 0xff0d
  );
}

/** Characters that render as nothing; a judge copying text never reproduces them. */
function isInvisible(c: number): boolean {
  return c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff;
}

const MARK = /\p{M}/u;
const UTF16 = new TextDecoder("utf-16le", { ignoreBOM: true });

export interface Normalized {
  readonly text: string;
  /** For each UTF-16 unit of `text`, the original offset where the unit's source begins. */
  readonly starts: Int32Array;
  /** For each UTF-16 unit of `text`, the original offset just past the unit's source. */
  readonly ends: Int32Array;
}

class Builder {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  n = 0;
  private spaceStart = -1;
  private spaceEnd = -1;

  constructor(capacity: number) {
    this.units = new Uint16Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  /** Feed one already case-folded unit that stands for original[start, end). */
  emit(c: number, start: number, end: number): void {
    if (isSpace(c)) {
      if (this.spaceStart === -1) this.spaceStart = start;
      this.spaceEnd = end;
      return;
    }
    if (isInvisible(c)) return;
    this.flushSpace();
    if (c === 0x2026) {
      for (let k = 0; k < 3; k++) this.push(46, start, end);
      return;
    }
    if (c > 127) c = QUOTES[c] ?? (isDash(c) ? 45 : c);
    else if (c === 96) c = 39;
    this.push(c, start, end);
  }

  /** Writes a pending whitespace run as one space, unless it leads the text. */
  flushSpace(): void {
    if (this.spaceStart !== -1) {
      if (this.n > 0) this.push(32, this.spaceStart, this.spaceEnd);
      this.spaceStart = -1;
    }
  }

  reserve(more: number): void {
    while (this.n + more > this.units.length) this.grow();
  }

  private push(c: number, start: number, end: number): void {
    if (this.n === this.units.length) this.grow();
    this.units[this.n] = c;
    this.starts[this.n] = start;
    this.ends[this.n] = end;
    this.n++;
  }

  private grow(): void {
    const size = this.units.length * 2 + 16;
    const u = new Uint16Array(size);
    u.set(this.units);
    const s = new Int32Array(size);
    s.set(this.starts);
    const e = new Int32Array(size);
    e.set(this.ends);
    this.units = u;
    this.starts = s;
    this.ends = e;
  }

  finish(): Normalized {
    // Several times faster than String.fromCharCode on large texts. Lone surrogates were already
    // replaced by U+FFFD, so decoding changes no unit (typed arrays are little-endian on every
    // platform Node supports).
    const text = UTF16.decode(this.units.subarray(0, this.n));
    return { text, starts: this.starts.subarray(0, this.n), ends: this.ends.subarray(0, this.n) };
  }
}

function codePointLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

export function normalize(original: string): Normalized {
  const out = new Builder(original.length + 16);
  const length = original.length;
  let i = 0;
  while (i < length) {
    // The common case, a run of visible ASCII characters each a cluster of its own (marks start
    // at U+0300), is copied in a tight loop; everything else goes through `emit`.
    let c = original.charCodeAt(i);
    if (c > 32 && c < 127 && c !== 96) {
      out.flushSpace();
      let n = out.n;
      if (n + (length - i) > out.units.length) out.reserve(length - i);
      const { units, starts, ends } = out;
      do {
        const next = original.charCodeAt(i + 1);
        if (next >= 0x300) break;
        units[n] = c >= 65 && c <= 90 ? c + 32 : c;
        starts[n] = i;
        ends[n] = ++i;
        n++;
        c = next;
      } while (c > 32 && c < 127 && c !== 96);
      out.n = n;
      if (i >= length || (c > 32 && c < 127 && c !== 96 && original.charCodeAt(i + 1) < 0x300)) continue;
    }
    if (c < 128 && !(original.charCodeAt(i + 1) >= 0x300)) {
      out.emit(c >= 65 && c <= 90 ? c + 32 : c, i, i + 1);
      i++;
      continue;
    }
    // A cluster: one code point and the combining marks after it.
    let end = i + codePointLength(original, i);
    while (end < length) {
      const len = codePointLength(original, end);
      if (!MARK.test(original.slice(end, end + len))) break;
      end += len;
    }
    if (c >= 0xd800 && c <= 0xdfff && end - i === 1) {
      out.emit(0xfffd, i, end); // a lone surrogate
      i = end;
      continue;
    }
    const cluster = original.slice(i, end);
    const folded =
      end - i === 1 && (isSpace(c) || isInvisible(c) || isDash(c) || QUOTES[c] !== undefined || c === 0x2026)
        ? cluster
        : cluster.normalize("NFKC").toLowerCase();
    for (let k = 0; k < folded.length; k++) out.emit(folded.charCodeAt(k), i, end);
    i = end;
  }
  return out.finish();
}

/** The normalised form of a quote: also strips the quote marks a judge may wrap it in. */
export function normalizeQuote(quote: string): string {
  return normalize(quote).text.replace(/^["'\s]+|["'\s]+$/g, "");
}
