/**
 * The server's default cache of judge calls: in memory and bounded, so a server that judges
 * hundreds of new items a second for days keeps a flat heap. A repeated item (the same rollout
 * scored twice, a retried request) is answered from here without a judge call; anything older
 * than the last `capacity` calls is simply judged again. `--cache FILE` swaps in the durable
 * on-disk cache instead, which keeps every call.
 */
import type { Cache } from "../judge/cache.js";

export function lruCache<V>(capacity: number): Cache<V> {
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
