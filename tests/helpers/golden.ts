/**
 * Golden (expected-output) files. A missing golden file is written on a developer's machine so a new
 * case can be reviewed as a diff, but never under CI: there a missing file fails, otherwise a case
 * whose expectation was never committed would pass by comparing the output with itself.
 * `UPDATE_GOLDEN=1` (or the older `UPDATE_CONFORMANCE=1`) rewrites every golden file after a
 * deliberate change; review the diff before committing.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "vitest";

/** CI is set by GitHub Actions, GitLab, `.ci/run` and most others; "false" and "0" mean unset. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI;
  return v !== undefined && v !== "" && v !== "false" && v !== "0";
}

export function updating(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.UPDATE_GOLDEN === "1" || env.UPDATE_CONFORMANCE === "1";
}

export class MissingGoldenError extends Error {
  constructor(readonly path: string) {
    super(`golden file ${path} is missing; CI never creates one: run the tests locally, review and commit it`);
    this.name = "MissingGoldenError";
  }
}

/**
 * Write `actual` to `path` if asked to update, or if it is missing outside CI; then compare. Returns
 * what was compared against, so a caller can tell a fresh file from a match.
 */
export function expectGolden(path: string, actual: string, env: NodeJS.ProcessEnv = process.env): string {
  if (updating(env)) writeFileSync(path, actual);
  else if (!existsSync(path)) {
    if (inCi(env)) throw new MissingGoldenError(path);
    writeFileSync(path, actual);
  }
  const expected = readFileSync(path, "utf8");
  expect(actual).toBe(expected);
  return expected;
}
