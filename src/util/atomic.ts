import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Write via a temp file and rename, so a reader never sees half a file and a crash leaves the old one. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, mode !== undefined ? { mode } : undefined);
  try {
    renameSync(tmp, path);
  } catch (err) {
    // A failed rename (the target is a directory, say) must not leave the temp file behind.
    rmSync(tmp, { force: true });
    throw err;
  }
}
