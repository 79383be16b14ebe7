import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Write via a temp file and rename, so a reader never sees half a file and a crash leaves the old one. */
export function writeFileAtomic(path: string, data: string, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, mode !== undefined ? { mode } : undefined);
  renameSync(tmp, path);
}
