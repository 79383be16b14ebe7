/**
 * A set of strings kept as bytes in typed arrays rather than as JS strings in a `Map`. A run of
 * 200,000 rows must remember every item id (to refuse a repeated one) and every cached call's
 * key; as strings in Maps those cost ~150 bytes each on the JS heap, and every major GC marks
 * them all, so the heap (and V8's heap limit, a multiple of what survives) grows with the run.
 * Here a key costs its encoded bytes plus 24 bytes of table, off the heap, and each key gets a
 * dense index (0, 1, 2, …) that callers use to keep their own values in typed arrays.
 * Keys are compared by their bytes, never by hash alone: there are no false matches.
 */

/** Writes a key's bytes into `into` (which has room for `maxBytes(key)`) and returns how many. */
export type KeyEncoder = (key: string, into: Buffer) => number;

/**
 * UTF-8 behind a tag byte; a string with a lone surrogate (which UTF-8 would turn into U+FFFD,
 * making two different ids equal) as UTF-16 behind another tag, so every string keeps its identity.
 */
const text: KeyEncoder = (key, into) => {
  if ((key as unknown as WellFormed).isWellFormed()) {
    into[0] = 0;
    return 1 + into.write(key, 1, "utf8");
  }
  into[0] = 2;
  return 1 + into.write(key, 1, "utf16le");
};

// ES2024, in every Node this package supports (>= 20), past the lib the project compiles against.
interface WellFormed {
  isWellFormed(): boolean;
}

const SHA256 = /^sha256:[0-9a-f]{64}$/;

/**
 * `sha256:<64 hex>` (a content hash, the cache's key) as its 32 raw bytes behind a third tag, so
 * a content hash costs 33 bytes, and any other key as `text` does.
 */
export const hashKeyEncoder: KeyEncoder = (key, into) => {
  if (key.length === 71 && SHA256.test(key)) {
    into[0] = 1;
    return 1 + into.write(key.slice(7), 1, "hex");
  }
  return text(key, into);
};

/** A Float64Array at least `n` long holding `a`'s values (doubled, so growth is amortised). */
export function ensureLength(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

export class CompactKeys {
  /** Every key's bytes, end to end. */
  private bytes = new Uint8Array(1 << 14);
  private bytesUsed = 0;
  /** Per index: where its bytes start, how many, and its hash (kept so the table can grow without re-encoding). */
  private starts = new Float64Array(256);
  private lengths = new Uint32Array(256);
  private hashes = new Uint32Array(256);
  /** Open addressing, linear probing: index + 1 per slot, 0 for empty; never more than half full. */
  private table = new Uint32Array(512);
  private count = 0;
  private scratch = Buffer.allocUnsafe(256);

  constructor(private readonly encode: KeyEncoder = text) {}

  get size(): number {
    return this.count;
  }

  /** The key's index, or -1 when it is not in the set. */
  indexOf(key: string): number {
    const n = this.encodeKey(key);
    const h = fnv1a(this.scratch, n);
    const mask = this.table.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.table[slot]!;
      if (e === 0) return -1;
      if (this.hashes[e - 1] === h && this.equals(e - 1, n)) return e - 1;
    }
  }

  has(key: string): boolean {
    return this.indexOf(key) !== -1;
  }

  /** The key's index, adding the key (as the next index) when it is new. */
  add(key: string): number {
    const n = this.encodeKey(key);
    const h = fnv1a(this.scratch, n);
    const mask = this.table.length - 1;
    let slot = h & mask;
    for (; ; slot = (slot + 1) & mask) {
      const e = this.table[slot]!;
      if (e === 0) break;
      if (this.hashes[e - 1] === h && this.equals(e - 1, n)) return e - 1;
    }
    const index = this.count++;
    if (index === this.starts.length) {
      this.starts = ensureLength(this.starts, index + 1);
      const lengths = new Uint32Array(this.starts.length);
      lengths.set(this.lengths);
      this.lengths = lengths;
      const hashes = new Uint32Array(this.starts.length);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    if (this.bytesUsed + n > this.bytes.length) {
      const bytes = new Uint8Array(Math.max(this.bytesUsed + n, this.bytes.length * 2));
      bytes.set(this.bytes.subarray(0, this.bytesUsed));
      this.bytes = bytes;
    }
    this.bytes.set(this.scratch.subarray(0, n), this.bytesUsed);
    this.starts[index] = this.bytesUsed;
    this.lengths[index] = n;
    this.hashes[index] = h;
    this.bytesUsed += n;
    this.table[slot] = index + 1;
    if (this.count * 2 > this.table.length) this.rehash();
    return index;
  }

  private encodeKey(key: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the tag byte of an encoder needs one more.
    const most = key.length * 3 + 1;
    if (most > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(most, this.scratch.length * 2));
    return this.encode(key, this.scratch);
  }

  private equals(index: number, n: number): boolean {
    if (this.lengths[index] !== n) return false;
    const start = this.starts[index]!;
    for (let i = 0; i < n; i++) if (this.bytes[start + i] !== this.scratch[i]) return false;
    return true;
  }

  private rehash(): void {
    const table = new Uint32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let i = 0; i < this.count; i++) {
      let slot = this.hashes[i]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = i + 1;
    }
    this.table = table;
  }
}

/** 32-bit FNV-1a over the first n bytes, with a final avalanche so linear probing spreads well. */
function fnv1a(b: Uint8Array, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
