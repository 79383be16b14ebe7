/** A temporary folder for one test file, removed after its tests. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

export interface TempDir {
  readonly dir: string;
  /** A path in the folder no earlier call gave: `name` with a running number before it. */
  path(name: string): string;
  /** Writes `body` to a new `path(name)` and returns that path. */
  file(name: string, body: string | Uint8Array): string;
}

/** Makes the folder now (named `prefix…` in the system's temporary folder); call at the top of a test file. */
export function tempDir(prefix: string): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const path = (name: string) => join(dir, `${++n}-${name}`);
  return {
    dir,
    path,
    file: (name, body) => {
      const p = path(name);
      writeFileSync(p, body);
      return p;
    },
  };
}
