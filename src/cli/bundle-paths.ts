import { BundleRefusedError, loadBundle } from "../api/bundles.js";

export { findBundles } from "../api/bundles.js";

import type { Bundle } from "../bundle/types.js";
import { CliError } from "./io.js";

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
