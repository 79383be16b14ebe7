import { existsSync } from "node:fs";
import { DEFAULT_LOCK, findBundles, readLock, readPublicKey, verify } from "../../api/bundles.js";
import type { Verified } from "../../bundle/verify.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers verify [bundles or dirs…] [--lock FILE] [--public-key PEM] [--json]

Recomputes every bundle's hash and checks it against the bundle's own hash, the lock and,
with --public-key, its .sig signature. With no paths: the lock's bundles (rulers.lock, or
--lock), else every bundle.json under bundles/. Exit 0 when all match, 1 otherwise.

  --lock FILE         the lock to check against (default with no paths: rulers.lock if present)
  --public-key PEM    require a .sig beside every bundle that verifies with this key
  --json              print {ok, bundles, problems} as JSON instead of lines`;

export const command: Command = {
  summary: "check bundles against their hashes, the lock and signatures",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        lock: { type: "string" },
        "public-key": { type: "string" },
        json: { type: "boolean" },
      },
      HELP,
    );
    // Named bundles are held against a lock only when asked; with no names the working
    // folder's lock says what to verify.
    const lockPath = values.lock ?? (positionals.length === 0 && existsSync(DEFAULT_LOCK) ? DEFAULT_LOCK : undefined);
    // Read first, so a bad lock or key is refused before any bundle is looked at.
    const lock = lockPath !== undefined ? readLock(lockPath) : undefined;
    const publicKeyPem = values["public-key"] !== undefined ? readPublicKey(values["public-key"]) : undefined;
    const key = publicKeyPem !== undefined ? { publicKeyPem } : {};

    let results: Verified[];
    if (positionals.length) results = verify({ paths: positionals, ...key, ...(lockPath ? { lock: lockPath } : {}) });
    else if (lock && lockPath) results = verify({ lock: lockPath, ...key });
    else {
      const paths = existsSync("bundles") ? findBundles(["bundles"]) : [];
      if (paths.length === 0)
        throw new CliError(
          "no bundles to verify; give paths, a lock file with --lock, or run it where rulers.lock or bundles/ is",
        );
      results = verify({ paths, ...key });
    }

    const problems = results.flatMap((r) => r.problems);
    const ok = problems.length === 0;
    if (values.json) {
      const bundles = results.map((r) => ({
        path: r.path,
        id: r.bundle?.body.rubric.id ?? null,
        version: r.bundle?.body.rubric.version ?? null,
        hash: r.bundle?.hash ?? null,
        ok: r.problems.length === 0,
      }));
      writeOut(
        JSON.stringify({ ok, bundles, problems: problems.map(({ path, kind, message }) => ({ path, kind, message })) }),
      );
    } else if (ok) {
      const what = `${results.length} bundle${results.length === 1 ? "" : "s"}`;
      writeOut(
        `ok: ${what} verified${lock ? ` against ${lockPath}` : ""}${publicKeyPem !== undefined ? ", signatures valid" : ""}`,
      );
    } else for (const p of problems) writeErr(`${p.path}: ${p.kind}: ${p.message}`);
    return ok ? 0 : 1;
  },
};
