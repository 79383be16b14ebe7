import { DEFAULT_LOCK, LockError, lockBundles, writeLock } from "../../bundle/lock.js";
import { BundleError } from "../../bundle/file.js";
import { findBundles } from "../bundle-paths.js";
import { CliError, parseFlags, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers lock <bundles or dirs…> [--out rulers.lock]

Pins each bundle's id → version → hash in a lock file (directories are searched for bundle.json).`;

export const command: Command = {
  summary: "pin bundles by hash in a lock file",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { out: { type: "string" } }, HELP);
    const paths = findBundles(positionals.length ? positionals : ["bundles"]);
    if (paths.length === 0) throw new CliError("no bundle.json found to lock");
    const out = values.out ?? DEFAULT_LOCK;
    try {
      const lock = lockBundles(paths, out);
      writeLock(out, lock);
      for (const [id, versions] of Object.entries(lock.rubrics).sort()) {
        for (const [version, e] of Object.entries(versions).sort()) writeOut(`locked ${id}@${version} ${e.hash}`);
      }
      writeOut(`wrote ${out}`);
      return 0;
    } catch (err) {
      if (err instanceof LockError || err instanceof BundleError) throw new CliError(err.message);
      throw err;
    }
  },
};
