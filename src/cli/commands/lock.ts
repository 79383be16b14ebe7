import { DEFAULT_LOCK, findBundles, LockError, lockBundles, writeLock } from "../../api/bundles.js";
import type { Lock } from "../../bundle/lock.js";
import { errnoOf } from "../../util/errors.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers lock [bundles or dirs…] [--out rulers.lock]

Pins each bundle's id → version → hash in a lock file, written fresh from the given bundles
(directories are searched for bundle.json; default: bundles/). Refuses altered bundles.`;

export const command: Command = {
  summary: "pin bundles by hash in a lock file",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { out: { type: "string" } }, HELP);
    const paths = [...new Set(findBundles(positionals.length ? positionals : ["bundles"]))];
    if (paths.length === 0)
      throw new CliError(
        `no bundle.json found under ${(positionals.length ? positionals : ["bundles"]).map((p) => `\`${p}\``).join(", ")}; compile rubrics first`,
      );
    const out = values.out ?? DEFAULT_LOCK;
    let lock: Lock;
    try {
      lock = lockBundles(paths, out);
    } catch (err) {
      if (!(err instanceof LockError)) throw err;
      for (const line of err.problems) writeErr(line);
      writeErr(`${out} not written`);
      return 1;
    }
    try {
      writeLock(out, lock);
    } catch (err) {
      throw new CliError(
        `cannot write \`${out}\` (${errnoOf(err) ?? (err as Error).message}); give a writable file path with --out`,
      );
    }
    for (const id of Object.keys(lock.rubrics).sort()) {
      const versions = lock.rubrics[id]!;
      for (const version of Object.keys(versions).sort())
        writeOut(`locked ${id}@${version} ${versions[version]!.hash}`);
    }
    writeOut(`wrote ${out}`);
    return 0;
  },
};
