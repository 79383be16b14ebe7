/** Tests of the built CLI (dist/, written by `npm run build`, which `npm ci` runs). */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** The repository's root, where `bin/rulers.js` runs from. */
export const repoRoot = resolve(import.meta.dirname, "../..");

/** Fails the test file when dist/ has not been built (the command scripts are what it runs). */
export function requireBuiltCli(): void {
  if (!existsSync(join(repoRoot, "dist/cli/commands/judge.cjs")))
    throw new Error("dist/ is missing: run `npm run build` first");
}
