import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { BundleRefusedError, loadBundle } from "../api/bundles.js";
import type { Bundle } from "../bundle/types.js";
import { CliError } from "./io.js";

/** Expand arguments into bundle.json paths: files as given, directories searched, sorted. */
export function findBundles(args: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name === "bundle.json") out.push(p);
    }
  };
  for (const a of args) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(a);
    } catch {
      throw new CliError(`\`${a}\`: no such file or directory`);
    }
    if (st.isDirectory()) walk(a);
    else out.push(a);
  }
  return out;
}

/**
 * A bundle by path or `id@version`, verified against its hash and the lock; refused in the
 * command's own words (`refusing to judge with <path>`, …), every problem listed.
 */
export function loadVerified(ref: string, lock: string | undefined, refusing: (path: string) => string): Bundle {
  try {
    return loadBundle(ref, lock ? { lock } : {});
  } catch (err) {
    if (err instanceof BundleRefusedError) throw new CliError(`${refusing(err.path)}: ${err.problems.join("; ")}`);
    throw err;
  }
}
