/**
 * A content-addressed cache of judge calls, and the reason an interrupted run loses nothing:
 * every completed call is appended as one line, handed to the operating system before the item
 * that made it moves on (so a `kill -9` of rulers cannot lose it), and then synced to disk in
 * the background (so a power cut loses at most the last few milliseconds). Calls that finish
 * together share one write and one fdatasync (group commit); nothing blocks the event loop.
 * A torn last line is ignored on load.
 */
import { closeSync, existsSync, fdatasync, fdatasyncSync, mkdirSync, openSync, readFileSync, write, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createHash } from "node:crypto";
import { canonicalJson, contentHash } from "../util/canonical.js";
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

/** sha256 over everything that decides the answer; messages are hashed as length-prefixed text. */
export function cacheKey(parts: CacheKeyParts): string {
  const hash = createHash("sha256");
  hash.update(canonicalJson({ bundle_hash: parts.bundle_hash, model: parts.model, settings: parts.settings, response_format: formatHash(parts.response_format) }));
  for (const m of parts.messages as { role?: unknown; content?: unknown }[]) {
    const role = String(m.role);
    const content = typeof m.content === "string" ? m.content : canonicalJson(m.content);
    hash.update(`\n${role.length}:${role}${content.length}:`);
    hash.update(content);
  }
  return "sha256:" + hash.digest("hex");
}

export interface Cache {
  readonly path: string | null;
  readonly size: number;
  /** Entries found when the cache was opened (what a resumed run starts from). */
  readonly loaded: number;
  get(key: string): Completion | undefined;
  /** Resolves once the entry is written to the file (synced to disk shortly after). */
  put(key: string, value: Completion): Promise<void>;
  close(): void;
}

export function memoryCache(): Cache {
  const map = new Map<string, Completion>();
  return {
    path: null,
    get size() {
      return map.size;
    },
    loaded: 0,
    get: (k) => map.get(k),
    put: async (k, v) => void map.set(k, v),
    close: () => {},
  };
}

export function openCache(path: string, opts: { durable?: boolean } = {}): Cache {
  const map = new Map<string, Completion>();
  if (existsSync(path)) {
    const text = readFileSync(path, "utf8");
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      if (line.trim() === "") continue;
      try {
        const { key, value } = JSON.parse(line) as { key: string; value: Completion };
        if (typeof key === "string" && value) map.set(key, value);
      } catch {
        // A line cut short by a crash mid-write: the call it held is simply made again.
      }
    }
  } else {
    mkdirSync(dirname(path), { recursive: true });
  }
  const loaded = map.size;
  const fd = openSync(path, "a");
  // A torn last line must not swallow the next entry: start appends on a fresh line.
  if (loaded > 0 || existsSync(path)) {
    const text = readFileSync(path, "utf8");
    if (text.length > 0 && !text.endsWith("\n")) writeSync(fd, "\n");
  }
  const durable = opts.durable ?? true;
  let batch: { lines: string[]; waiters: { resolve: () => void; reject: (e: Error) => void }[] } | null = null;
  let flushing = false;
  const flush = () => {
    if (flushing || !batch) return;
    const current = batch;
    batch = null;
    flushing = true;
    const done = (err: Error | null) => {
      flushing = false;
      for (const w of current.waiters) (err ? w.reject(err) : w.resolve());
      flush();
    };
    write(fd, current.lines.join(""), (err) => {
      done(err);
      // Errors of a background sync surface on the final sync in close().
      if (!err && durable) fdatasync(fd, () => {});
    });
  };
  return {
    path,
    get size() {
      return map.size;
    },
    loaded,
    get: (k) => map.get(k),
    put(k, v) {
      map.set(k, v);
      return new Promise<void>((resolve, reject) => {
        batch ??= { lines: [], waiters: [] };
        batch.lines.push(JSON.stringify({ key: k, value: v }) + "\n");
        batch.waiters.push({ resolve, reject });
        setImmediate(flush);
      });
    },
    close: () => {
      if (durable) fdatasyncSync(fd);
      closeSync(fd);
    },
  };
}
