/**
 * Signing bundles, as `rulers sign` does: a detached ed25519 signature `<bundle.json>.sig` over
 * each bundle's hash, all or nothing (an altered or unreadable bundle means none is signed),
 * and key pairs made for it.
 */
import { existsSync, readFileSync } from "node:fs";
import { prettyCanonicalJson } from "../bundle/canonical.js";
import { BundleError, bundleIntact, readBundle } from "../bundle/file.js";
import {
  generateSigningKeys,
  keyId,
  parsePrivateKey,
  parsePublicKey,
  SignError,
  signaturePath,
  signBundle,
} from "../bundle/sign.js";
import type { Bundle } from "../bundle/types.js";
import { writeFileAtomic } from "../util/atomic.js";
import { errnoOf, RulersError } from "../util/errors.js";

function write(path: string, text: string, mode?: number): void {
  try {
    writeFileAtomic(path, text, mode);
  } catch (err) {
    throw new RulersError(`cannot write \`${path}\` (${errnoOf(err) ?? (err as Error).message})`, { code: "io" });
  }
}

/** Writes `<prefix>.key.pem` (readable only by its owner) and `<prefix>.pub.pem`; never overwrites either. */
export function generateKeyPair(prefix: string): { privatePath: string; publicPath: string; keyId: string } {
  const privatePath = `${prefix}.key.pem`;
  const publicPath = `${prefix}.pub.pem`;
  // Overwriting a private key would orphan every signature made with it.
  for (const p of [privatePath, publicPath])
    if (existsSync(p))
      throw new RulersError(`\`${p}\` already exists; choose another prefix or remove it first`, { code: "usage" });
  const keys = generateSigningKeys();
  write(privatePath, keys.privateKeyPem, 0o600);
  write(publicPath, keys.publicKeyPem);
  return { privatePath, publicPath, keyId: keyId(keys.publicKeyPem) };
}

/** A key file's PEM, checked by `parse`; a file that cannot be read or parsed is a clear refusal. */
function readKeyPem(path: string, kind: "private" | "public", parse: (pem: string) => unknown): string {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (err) {
    const hint = kind === "public" ? "; give the path of a .pub.pem file" : "";
    throw new RulersError(`cannot read ${kind} key \`${path}\` (${errnoOf(err) ?? "error"})${hint}`, { code: "usage" });
  }
  try {
    parse(pem);
  } catch (err) {
    if (err instanceof SignError) throw new RulersError(`\`${path}\`: ${err.message}`, { code: "sign" });
    throw err;
  }
  return pem;
}

/** A PEM private key from a file, checked to be an ed25519 key. */
export function readPrivateKey(path: string): string {
  return readKeyPem(path, "private", parsePrivateKey);
}

/** A PEM public key from a file, checked to be an ed25519 key. */
export function readPublicKey(path: string): string {
  return readKeyPem(path, "public", parsePublicKey);
}

/**
 * Sign each bundle file with the private key (PEM). Every bundle is checked first: when any is
 * altered or unreadable, `problems` lists them and nothing is signed.
 */
export function signBundles(
  paths: readonly string[],
  privateKeyPem: string,
): { readonly signed: readonly { path: string; keyId: string }[]; readonly problems: readonly string[] } {
  const bundles: [string, Bundle][] = [];
  const problems: string[] = [];
  for (const p of paths) {
    try {
      const b = readBundle(p);
      if (bundleIntact(b)) bundles.push([p, b]);
      else problems.push(`${p}: refusing to sign an altered bundle (content does not match ${b.hash}); recompile it`);
    } catch (err) {
      if (err instanceof BundleError) problems.push(err.message);
      else throw err;
    }
  }
  if (problems.length) return { signed: [], problems };
  const signed: { path: string; keyId: string }[] = [];
  for (const [p, b] of bundles) {
    const sig = signBundle(b, privateKeyPem);
    write(signaturePath(p), prettyCanonicalJson(sig));
    signed.push({ path: p, keyId: sig.key_id });
  }
  return { signed, problems };
}
