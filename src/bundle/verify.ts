/** All-or-nothing verification of bundle files against their own hash, a lock, and a signature. */
import { existsSync } from "node:fs";
import { BundleError, bundleIntact, readBundle } from "./file.js";
import { checkAgainstLock, entryPath, type Lock } from "./lock.js";
import { keyId, parsePublicKey, readSignature, SignError, signaturePath, verifySignature } from "./sign.js";
import type { Bundle } from "./types.js";

export type ProblemKind =
  | "unreadable"
  | "altered"
  | "lock-hash-mismatch"
  | "version-mismatch"
  | "not-in-lock"
  | "missing"
  | "bad-signature";

export interface Problem {
  readonly path: string;
  readonly kind: ProblemKind;
  readonly message: string;
}

/** What a lock entry says a file holds; checked instead of looking the bundle up by its own id. */
export interface Pinned {
  readonly id: string;
  readonly version: string;
  readonly hash: string;
}

export interface VerifyOptions {
  readonly lock?: Lock;
  /** With a key, every bundle must carry a `.sig` that verifies with it. */
  readonly publicKeyPem?: string;
  readonly pinned?: Pinned;
}

export interface Verified {
  readonly path: string;
  readonly bundle: Bundle | null;
  readonly problems: Problem[];
}

function pinnedProblems(bundle: Bundle, pin: Pinned): Omit<Problem, "path">[] {
  const { id, version } = bundle.body.rubric;
  if (id !== pin.id || version !== pin.version) {
    return [
      {
        kind: "version-mismatch",
        message: `the lock pins \`${pin.id}@${pin.version}\` to this file but it holds \`${id}@${version}\`; run \`rulers lock\` again`,
      },
    ];
  }
  if (bundle.hash !== pin.hash) {
    return [
      {
        kind: "lock-hash-mismatch",
        message: `\`${id}@${version}\` hashes to ${bundle.hash} but the lock pins ${pin.hash}; the rubric changed without a new version`,
      },
    ];
  }
  return [];
}

function signatureProblems(path: string, bundle: Bundle, publicKeyPem: string): Omit<Problem, "path">[] {
  const bad = (message: string) => [{ kind: "bad-signature" as const, message }];
  const sigPath = signaturePath(path);
  if (!existsSync(sigPath))
    return bad(`no signature file ${sigPath}; sign it with \`rulers sign --key <private.pem>\``);
  let expectedKey: string;
  try {
    expectedKey = keyId(parsePublicKey(publicKeyPem));
    const sig = readSignature(sigPath);
    if (sig.hash !== bundle.hash)
      return bad(`${sigPath} signs ${sig.hash}, not this bundle's ${bundle.hash}; sign the bundle again`);
    if (sig.key_id !== expectedKey)
      return bad(`${sigPath} was made with key ${sig.key_id}, not the given public key ${expectedKey}`);
    if (!verifySignature(bundle, sig, publicKeyPem))
      return bad(`${sigPath} does not verify with the given public key; it was forged or damaged`);
  } catch (err) {
    if (err instanceof SignError) return bad(err.message);
    throw err;
  }
  return [];
}

export function verifyBundleFile(path: string, opts: VerifyOptions = {}): Verified {
  let bundle: Bundle;
  try {
    bundle = readBundle(path);
  } catch (err) {
    if (err instanceof BundleError)
      return {
        path,
        bundle: null,
        problems: [{ path, kind: "unreadable", message: err.message.slice(path.length + 2) }],
      };
    throw err;
  }
  const found: Omit<Problem, "path">[] = [];
  if (!bundleIntact(bundle)) {
    found.push({
      kind: "altered",
      message: `content does not match its hash ${bundle.hash}: the bundle was altered after compiling; recompile it from source`,
    });
  }
  if (opts.pinned) found.push(...pinnedProblems(bundle, opts.pinned));
  else if (opts.lock) found.push(...checkAgainstLock(bundle, opts.lock));
  if (opts.publicKeyPem !== undefined) found.push(...signatureProblems(path, bundle, opts.publicKeyPem));
  return { path, bundle, problems: found.map((p) => ({ path, ...p })) };
}

/**
 * Every bundle the lock pins, each checked against its own entry (so a file swapped for another
 * locked bundle is caught); entries whose file is gone come back as `missing`.
 */
export function verifyLock(lock: Lock, lockPath: string, opts: Pick<VerifyOptions, "publicKeyPem"> = {}): Verified[] {
  const out: Verified[] = [];
  for (const id of Object.keys(lock.rubrics).sort()) {
    const versions = lock.rubrics[id]!;
    for (const version of Object.keys(versions).sort()) {
      const entry = versions[version]!;
      const path = entryPath(lockPath, entry);
      if (!existsSync(path)) {
        out.push({
          path,
          bundle: null,
          problems: [
            {
              path,
              kind: "missing",
              message: `\`${id}@${version}\` is locked but its bundle file is missing; recompile it or run \`rulers lock\` again`,
            },
          ],
        });
      } else out.push(verifyBundleFile(path, { ...opts, pinned: { id, version, hash: entry.hash } }));
    }
  }
  return out;
}
