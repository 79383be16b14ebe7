/**
 * The server's call cache: a durable file when `--cache` names one (answers survive a restart
 * and are never paid twice), else the bounded in-memory LRU, since a server runs for days and
 * an unbounded map would grow with every distinct item it is sent.
 */
import { type Cache, type Completion, memoryCache, openCache } from "../judge/index.js";

export function serveCache(path: string | undefined, capacity: number): Cache<Completion> {
  return path ? openCache<Completion>(path) : memoryCache<Completion>(capacity);
}
