/**
 * Loading bundles from code: a path or `id@version`, verified against its own hash (and the lock
 * and a signing key when given) before anything can judge with it.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  DEFAULT_LOCK,
  type Lock,
  LockError,
  lockBundles,
  readLock,
  resolveBundleRef,
  writeLock,
} from "../bundle/lock.js";
import type { Bundle } from "../bundle/types.js";
import { type Verified, verifyBundleFile, verifyLock } from "../bundle/verify.js";
import { RulersError } from "../util/errors.js";

export { BundleError, readBundle } from "../bundle/file.js";
// Read beside the private key, by the same rules (sign.ts).
export { readPublicKey } from "./sign.js";
export { DEFAULT_LOCK, LockError, lockBundles, readLock, writeLock };

export interface LoadOptions {
  /** A lock file path, or a lock already read: the bundle must be the one it pins. */
  readonly lock?: string | Lock;
  /** PEM of an ed25519 public key: the bundle must carry a `.sig` that verifies with it. */
  readonly publicKeyPem?: string;
}

/** Thrown when a bundle fails verification; `problems` lists every reason. */
export class BundleRefusedError extends RulersError {
  override readonly code: string = "bundle_refused";
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`refusing ${path}: ${problems.join("; ")}`);
  }
}

/** A bundle by path or `id@version` (looked up in the lock, else under bundles/), verified. */
export function loadBundle(ref: string, opts: LoadOptions = {}): Bundle {
  const lockPath = typeof opts.lock === "string" ? opts.lock : undefined;
  const lock = typeof opts.lock === "string" ? readLock(opts.lock) : opts.lock;
  const path = resolveBundleRef(ref, lockPath);
  const v = verifyBundleFile(path, {
    ...(lock ? { lock } : {}),
    ...(opts.publicKeyPem !== undefined ? { publicKeyPem: opts.publicKeyPem } : {}),
  });
  if (v.problems.length || !v.bundle)
    throw new BundleRefusedError(
      path,
      v.problems.map((p) => p.message),
    );
  return v.bundle;
}

export interface VerifyTargets {
  /** Bundle files to check; without them, every bundle the lock pins. */
  readonly paths?: readonly string[];
  readonly lock?: string;
  readonly publicKeyPem?: string;
}

/**
 * Recompute hashes and check them against the lock and signatures; never throws for a bad
 * bundle. Folders among `paths` are searched for bundle.json files.
 */
export function verify(targets: VerifyTargets): Verified[] {
  const key = targets.publicKeyPem !== undefined ? { publicKeyPem: targets.publicKeyPem } : {};
  const lock = targets.lock !== undefined ? readLock(targets.lock) : undefined;
  if (targets.paths?.length) {
    const paths = [...new Set(findBundles(targets.paths))];
    if (paths.length === 0)
      throw new RulersError(`no bundle.json under ${targets.paths.map((p) => `\`${p}\``).join(", ")}`, {
        code: "usage",
      });
    return paths.map((p) => verifyBundleFile(p, { ...key, ...(lock ? { lock } : {}) }));
  }
  if (!lock || targets.lock === undefined)
    throw new RulersError("give bundle paths or a lock file to verify", { code: "usage" });
  return verifyLock(lock, targets.lock, key);
}

/** Expand paths into bundle.json paths: files as given, folders searched (sorted). */
export function findBundles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name === "bundle.json") out.push(p);
    }
  };
  for (const a of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(a);
    } catch {
      throw new RulersError(`\`${a}\`: no such file or directory`, { code: "usage" });
    }
    if (st.isDirectory()) walk(a);
    else out.push(a);
  }
  return out;
}
