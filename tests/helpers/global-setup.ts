/**
 * Once per test run: the CLIs the tests start keep their code cache (src/cli/command-loader.ts)
 * in a folder of this run's own, removed at the end, instead of the user's ~/.cache.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "rulers-test-code-cache-"));
  process.env.RULERS_CODE_CACHE = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
