import { sha256Hex } from "./canonical.js";

/** A stable bucket in [0, n) for an id: by hash, so it never depends on row order. */
export function bucketOf(id: string, n: number): number {
  return parseInt(sha256Hex(id).slice(0, 8), 16) % n;
}
