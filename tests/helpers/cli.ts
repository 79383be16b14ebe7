import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, vi } from "vitest";
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `rulers …` in-process, capturing what it prints. */
export async function runCli(args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Run `rulers …` from source in a child process: for a server, or a process a test kills. */
export function spawnCli(args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "tests/helpers/cli-entry.ts", ...args], opts);
}

/**
 * Writes `source` to `dir/name.rubric` and compiles it with `rulers compile` (with `--items` when
 * given) into `dir/bundles-name`; returns the bundle's path, failing the test on any error.
 */
export async function compileRubric(dir: string, name: string, source: string, items?: string): Promise<string> {
  const file = join(dir, `${name}.rubric`);
  writeFileSync(file, source);
  const out = join(dir, `bundles-${name}`);
  const r = await runCli(["compile", file, "--out", out, "--json", ...(items ? ["--items", items] : [])]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout)[0].path;
}
