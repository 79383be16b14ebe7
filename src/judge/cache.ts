/**
 * A content-addressed cache of judge calls, and the reason an interrupted run loses nothing.
 * Storage is an append-only JSONL file, one `{key, value}` per line; memory holds only where
 * each line is (key → offset), so a run of any length keeps a flat heap.
 *
 * Writes are group-committed: the entries `put` in one turn of the event loop (the answers that
 * arrived together) are written with one `write` and then made durable with one `fdatasync`, and
 * each `put` resolves only once its entry is on disk. Callers emit a record only after its puts
 * resolve, so a record in the run file always has its calls in the cache: `kill -9` (or a power
 * cut) can lose only calls whose records were never written, and `--resume` repays none that
 * were. With `durable: false` a put resolves once written (the process can die, the machine not).
 * A torn last line (a write cut short) is ignored on load and never glued to the next entry; for
 * a key written twice, the last line wins.
 */

import { createHash, type Hash } from "node:crypto";
import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { canonicalJson, contentHash } from "../util/canonical.js";
import { CompactKeys, ensureLength, hashKeyEncoder } from "../util/compact-keys.js";
import type { Completion } from "./client.js";

export interface CacheKeyParts {
  readonly bundle_hash: string;
  readonly model: string;
  readonly settings: Record<string, unknown>;
  readonly messages: readonly unknown[];
  readonly response_format: unknown;
}

// The response format carries the whole answer schema, the same object for every call of a
// run: hash it once per object rather than once per call.
const formatHashes = new WeakMap<object, string>();

function formatHash(format: unknown): string {
  if (format === null || typeof format !== "object") return contentHash(format);
  let h = formatHashes.get(format);
  if (!h) {
    h = contentHash(format);
    formatHashes.set(format, h);
  }
  return h;
}

// Every request of a run starts with the same system message (the rubric, several KB): keep
// the hash state after it and copy it, instead of hashing the rubric again for every call.
const prefixStates = new Map<string, Hash>();

function prefixState(role: string, content: string): Hash {
  let h = prefixStates.get(content);
  if (!h) {
    h = createHash("sha256");
    h.update(`${role.length}:${role}${content.length}:`);
    h.update(content);
    if (prefixStates.size > 64) prefixStates.clear();
    prefixStates.set(content, h);
  }
  return h.copy();
}

const headers = new Map<string, string>();

/**
 * `sha256:<hex>` over everything that decides the answer: canonical JSON (sorted keys) of the
 * bundle hash, model, settings and response format, then each message as length-prefixed text,
 * so no two different conversations can hash alike and large inputs are never re-encoded.
 */
export function cacheKey(parts: CacheKeyParts): string {
  const messages = parts.messages as { role?: unknown; content?: unknown }[];
  const first = messages[0];
  const cached = first !== undefined && first.role === "system" && typeof first.content === "string";
  const hash = cached ? prefixState("system", first.content as string) : createHash("sha256");
  const fh = formatHash(parts.response_format);
  // Calls of a run share a few settings: their canonical JSON (keys sorted) is made once each.
  const memo = `${parts.bundle_hash}\n${parts.model}\n${fh}\n${JSON.stringify(parts.settings)}`;
  // A non-finite number prints as null here but is refused by canonicalJson: never memoized.
  let header = Object.values(parts.settings).every((v) => typeof v !== "number" || Number.isFinite(v))
    ? headers.get(memo)
    : undefined;
  if (header === undefined) {
    header = `\n${canonicalJson({ bundle_hash: parts.bundle_hash, model: parts.model, settings: parts.settings, response_format: fh })}`;
    if (headers.size >= 256) headers.clear();
    headers.set(memo, header);
  }
  hash.update(header);
  for (const m of cached ? messages.slice(1) : messages) {
    const role = String(m.role);
    const content = typeof m.content === "string" ? m.content : canonicalJson(m.content);
    hash.update(`\n${role.length}:${role}${content.length}:`);
    hash.update(content);
  }
  return `sha256:${hash.digest("hex")}`;
}

export interface Cache<V = Completion> {
  readonly path: string | null;
  readonly size: number;
  /** Entries found when the cache was opened (what a resumed run starts from). */
  readonly loaded: number;
  get(key: string): V | undefined;
  /**
   * Resolves once the entry is on disk (written and synced; only written when not durable).
   * `get` sees it at once. Entries put in the same turn share one write and one sync.
   */
  put(key: string, value: V): Promise<void>;
  /** Resolves once every entry put so far is on disk. */
  flush(): Promise<void>;
  /** Syncs and closes the file; a cache is not used after this. */
  close(): void;
}

export interface CacheOptions {
  /** Sync each batch of writes before acknowledging it (default true); off, a crash of the machine may lose recent entries. */
  readonly durable?: boolean;
}

/** Judge calls an in-memory cache keeps unless told otherwise. */
export const MEMORY_CACHE_ENTRIES = 10_000;

/**
 * The cache of judge calls kept in memory (a run without `--cache`, `batch`, the server's
 * default): bounded, so a process that judges new items for days keeps a flat heap. A repeated
 * call (a duplicate row, a retried request) is answered from here; anything older than the last
 * `capacity` calls used is simply judged again. A file cache (`openCache`) keeps every call.
 */
export function memoryCache<V = Completion>(capacity = MEMORY_CACHE_ENTRIES): Cache<V> {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("cache capacity must be a positive integer");
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const map = new Map<string, V>();
  return {
    path: null,
    get size() {
      return map.size;
    },
    loaded: 0,
    get(key) {
      const v = map.get(key);
      if (v !== undefined) {
        map.delete(key);
        map.set(key, v);
      }
      return v;
    },
    put(key, value) {
      map.delete(key);
      map.set(key, value);
      if (map.size > capacity) map.delete(map.keys().next().value!);
      return Promise.resolve();
    },
    flush: () => Promise.resolve(),
    close: () => map.clear(),
  };
}

const NEWLINE = 0x0a;
const NEWLINE_BYTES = Buffer.from("\n");
const CHUNK = 1 << 20;

/**
 * Where each entry's line sits in the file: the keys in a compact table (a content-hash key costs
 * 33 bytes there, off the JS heap) and each key's offset and length in two typed arrays, so the
 * index costs about 60 bytes per entry however large the answers are and the GC never walks it;
 * the answers themselves stay on disk and are read back on `get`.
 */
class Index {
  readonly keys = new CompactKeys(hashKeyEncoder);
  offsets = new Float64Array(1024);
  lengths = new Float64Array(1024);

  get size(): number {
    return this.keys.size;
  }

  slot(key: string): number {
    return this.keys.indexOf(key);
  }

  set(key: string, offset: number, length: number): void {
    const slot = this.keys.add(key);
    this.offsets = ensureLength(this.offsets, slot + 1);
    this.lengths = ensureLength(this.lengths, slot + 1);
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
  }
}

/**
 * Index every complete line of the file, skipping what does not parse (a torn or damaged line).
 * Read in chunks: the file may be far larger than memory should hold, or than a JS string.
 */
function load(fd: number, index: Index): { size: number; endsClean: boolean } {
  const chunk = Buffer.allocUnsafe(CHUNK);
  let carry: Buffer[] = [];
  let carryStart = 0;
  let pos = 0;
  const take = (buf: Buffer, offset: number) => {
    if (buf.length === 0) return;
    try {
      const entry = JSON.parse(buf.toString("utf8")) as { key?: unknown; value?: unknown };
      if (typeof entry.key === "string" && entry.value !== null && typeof entry.value === "object")
        index.set(entry.key, offset, buf.length);
    } catch {
      // A line cut short by a crash mid-write: the call it held is simply made again.
    }
  };
  for (;;) {
    const n = readSync(fd, chunk, 0, CHUNK, pos);
    if (n === 0) break;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1 || nl >= n) break;
      const piece = chunk.subarray(start, nl);
      if (carry.length) {
        take(Buffer.concat([...carry, piece]), carryStart);
        carry = [];
      } else take(piece, pos + start);
      start = nl + 1;
    }
    if (start < n) {
      if (!carry.length) carryStart = pos + start;
      carry.push(Buffer.from(chunk.subarray(start, n)));
    }
    pos += n;
  }
  if (carry.length) take(Buffer.concat(carry), carryStart);
  return { size: pos, endsClean: carry.length === 0 };
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

export function openCache<V = Completion>(path: string, opts: CacheOptions = {}): Cache<V> {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "a+");
  const index = new Index();
  let torn: boolean;
  // Bytes of the file that hold whole entries: a failed write is cut back to here.
  let size: number;
  try {
    const l = load(fd, index);
    torn = !l.endsClean;
    size = l.size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  const loaded = index.size;
  const durable = opts.durable ?? true;
  let closed = false;
  // Batches written and synced so far; one fdatasync in flight at a time covers every batch
  // written before it started.
  let written = 0;
  let synced = 0;
  let syncing = false;
  let syncError: Error | null = null;
  let waiters: { upTo: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  // Entries put this turn, not yet written; `get` reads them from here.
  let batch: { key: string; line: Buffer; resolve: () => void; reject: (e: Error) => void }[] = [];
  const unwritten = new Map<string, V>();
  let scheduled = false;

  const settle = () => {
    if (!waiters.length) return;
    const ready = waiters.filter((w) => syncError || w.upTo <= synced);
    if (!ready.length) return;
    waiters = waiters.filter((w) => !ready.includes(w));
    for (const w of ready) syncError ? w.reject(syncError) : w.resolve();
  };
  const sync = () => {
    if (syncing || closed || synced >= written) return settle();
    syncing = true;
    const upTo = written;
    fdatasync(fd, (err) => {
      syncing = false;
      if (err && !closed) syncError ??= err;
      else synced = Math.max(synced, upTo);
      settle();
      // What arrived while this sync ran is written now, in one write, and synced next.
      if (batch.length && !closed) writeBatch(true);
      sync();
    });
  };
  /**
   * Writes the waiting entries with one write; resolves them now (not durable) or after their
   * sync. While a sync is in flight, entries are not written yet: they could not be acknowledged
   * before that sync ends anyway, and waiting for it gathers them into one write per sync.
   */
  const writeBatch = (force?: boolean) => {
    scheduled = false;
    if (durable && syncing && force !== true) return;
    const entries = batch;
    batch = [];
    if (!entries.length) return;
    // A torn last line must not swallow these entries: start them on a fresh line.
    const lead = torn ? 1 : 0;
    const lines = entries.map((e) => e.line);
    if (torn) lines.unshift(NEWLINE_BYTES);
    const data = lines.length === 1 ? lines[0]! : Buffer.concat(lines);
    try {
      writeAll(fd, data);
    } catch (err) {
      // Disk full or an I/O error: cut the file back so no half entry is left behind.
      try {
        ftruncateSync(fd, size);
      } catch {
        // The original error is what the user needs to see.
      }
      for (const e of entries) {
        unwritten.delete(e.key);
        e.reject(err as Error);
      }
      return;
    }
    torn = false;
    let offset = size + lead;
    for (const e of entries) {
      const length = e.line.length;
      index.set(e.key, offset, length - 1);
      unwritten.delete(e.key);
      offset += length;
    }
    size += data.length;
    if (!durable) {
      for (const e of entries) e.resolve();
      return;
    }
    written++;
    const upTo = written;
    for (const e of entries) waiters.push({ upTo, resolve: e.resolve, reject: e.reject });
    sync();
  };

  return {
    path,
    get size() {
      let n = index.size;
      for (const k of unwritten.keys()) if (index.slot(k) === -1) n++;
      return n;
    },
    loaded,
    get(k) {
      const pending = unwritten.get(k);
      if (pending !== undefined) return pending;
      const slot = index.slot(k);
      if (slot === -1) return undefined;
      const length = index.lengths[slot]!;
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, index.offsets[slot]! + got);
        if (n === 0) return undefined;
        got += n;
      }
      return (JSON.parse(buf.toString("utf8")) as { value: V }).value;
    },
    put(k, v) {
      if (closed) return Promise.reject(new Error(`the cache \`${path}\` is closed`));
      if (syncError) return Promise.reject(syncError);
      const line = Buffer.from(`${JSON.stringify({ key: k, value: v })}\n`, "utf8");
      return new Promise<void>((resolve, reject) => {
        batch.push({ key: k, line, resolve, reject });
        unwritten.set(k, v);
        if (!scheduled) {
          scheduled = true;
          // Collect the answers that arrive in this turn of the event loop into one write.
          setImmediate(writeBatch);
        }
      });
    },
    flush() {
      writeBatch(true);
      if (!durable || closed || synced >= written) return syncError ? Promise.reject(syncError) : Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.push({ upTo: written, resolve, reject });
        sync();
      });
    },
    close() {
      if (closed) return;
      try {
        writeBatch(true);
        if (durable) fdatasyncSync(fd);
        synced = written;
      } catch (err) {
        syncError ??= err as Error;
        throw err;
      } finally {
        closed = true;
        closeSync(fd);
        settle();
      }
    },
  };
}
