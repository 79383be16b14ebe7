/** All-or-nothing verification of bundle files against their own hash, a lock, and a signature. */
import { existsSync, readFileSync } from "node:fs";
import { BundleError, bundleIntact, readBundle } from "./file.js";
import { checkAgainstLock, entryPath, type Lock } from "./lock.js";
import { verifySignature, type Signature } from "./sign.js";
import type { Bundle } from "./types.js";

export type ProblemKind =
  | "unreadable" | "altered" | "lock-hash-mismatch" | "version-mismatch" | "not-in-lock" | "missing" | "bad-signature";

export interface Problem {
  readonly path: string;
  readonly kind: ProblemKind;
  readonly message: string;
}

export interface VerifyOptions {
  readonly lock?: Lock;
  readonly publicKeyPem?: string;
}

export interface Verified {
  readonly path: string;
  readonly bundle: Bundle | null;
  readonly problems: Problem[];
}

export function verifyBundleFile(path: string, opts: VerifyOptions = {}): Verified {
  let bundle: Bundle;
  try {
    bundle = readBundle(path);
  } catch (err) {
    if (err instanceof BundleError) return { path, bundle: null, problems: [{ path, kind: "unreadable", message: err.message.slice(path.length + 2) }] };
    throw err;
  }
  const problems: Problem[] = [];
  if (!bundleIntact(bundle)) {
    problems.push({ path, kind: "altered", message: `content does not match its hash ${bundle.hash}: the bundle was altered after compiling; recompile it from source` });
  }
  if (opts.lock) for (const p of checkAgainstLock(bundle, opts.lock)) problems.push({ path, ...p });
  if (opts.publicKeyPem !== undefined) {
    const sigPath = `${path}.sig`;
    if (!existsSync(sigPath)) problems.push({ path, kind: "bad-signature", message: `no signature file ${sigPath}` });
    else {
      let sig: Signature | null = null;
      try {
        sig = JSON.parse(readFileSync(sigPath, "utf8")) as Signature;
      } catch {
        sig = null;
      }
      if (!sig || !verifySignature(bundle, sig, opts.publicKeyPem)) problems.push({ path, kind: "bad-signature", message: `signature ${sigPath} does not verify with the given public key` });
    }
  }
  return { path, bundle, problems };
}

/** Every lock entry whose bundle file is gone. */
export function missingFromLock(lock: Lock, lockPath: string): Problem[] {
  const out: Problem[] = [];
  for (const [id, versions] of Object.entries(lock.rubrics)) {
    for (const [version, entry] of Object.entries(versions)) {
      const p = entryPath(lockPath, entry);
      if (!existsSync(p)) out.push({ path: p, kind: "missing", message: `\`${id}@${version}\` is locked but its bundle file is missing` });
    }
  }
  return out;
}
