import { existsSync, readFileSync } from "node:fs";
import { DEFAULT_LOCK, entryPath, LockError, readLock, type Lock } from "../../bundle/lock.js";
import { missingFromLock, verifyBundleFile, type Problem } from "../../bundle/verify.js";
import { findBundles } from "../bundle-paths.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers verify [bundles or dirs…] [--lock FILE] [--public-key PEM] [--json]

Recomputes every bundle's hash and checks it against the bundle's own hash, the lock and,
with --public-key, its .sig signature. With no paths: the lock's bundles (rulers.lock, or
--lock), else every bundle.json under bundles/. Exit 0 when all match, 1 otherwise.`;

export const command: Command = {
  summary: "check bundles against their hashes, the lock and signatures",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      lock: { type: "string" }, "public-key": { type: "string" }, json: { type: "boolean" },
    }, HELP);
    const lockPath = values.lock ?? (existsSync(DEFAULT_LOCK) ? DEFAULT_LOCK : undefined);
    let lock: Lock | undefined;
    try {
      lock = lockPath ? readLock(lockPath) : undefined;
    } catch (err) {
      if (err instanceof LockError) throw new CliError(err.message);
      throw err;
    }
    let publicKeyPem: string | undefined;
    if (values["public-key"]) {
      try {
        publicKeyPem = readFileSync(values["public-key"], "utf8");
      } catch {
        throw new CliError(`cannot read public key \`${values["public-key"]}\``);
      }
    }
    const problems: Problem[] = [];
    let paths: string[];
    if (positionals.length) paths = findBundles(positionals);
    else if (lock && lockPath) {
      problems.push(...missingFromLock(lock, lockPath));
      paths = Object.values(lock.rubrics).flatMap((vs) => Object.values(vs).map((e) => entryPath(lockPath, e))).filter((p) => existsSync(p));
    } else paths = existsSync("bundles") ? findBundles(["bundles"]) : [];
    if (paths.length === 0 && problems.length === 0) throw new CliError("no bundles to verify; give paths or a lock file");
    const bundles = [];
    for (const p of paths) {
      const v = verifyBundleFile(p, { ...(lock ? { lock } : {}), ...(publicKeyPem !== undefined ? { publicKeyPem } : {}) });
      problems.push(...v.problems);
      bundles.push({ path: p, id: v.bundle?.body.rubric.id ?? null, version: v.bundle?.body.rubric.version ?? null, hash: v.bundle?.hash ?? null, ok: v.problems.length === 0 });
    }
    const ok = problems.length === 0;
    if (values.json) writeOut(JSON.stringify({ ok, bundles, problems }));
    else if (ok) writeOut(`ok: ${bundles.length} bundle${bundles.length === 1 ? "" : "s"} verified${lock ? ` against ${lockPath}` : ""}`);
    else for (const p of problems) writeErr(`${p.path}: ${p.kind}: ${p.message}`);
    return ok ? 0 : 1;
  },
};
