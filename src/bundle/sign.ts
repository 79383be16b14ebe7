/**
 * Detached ed25519 signatures over a bundle's hash (node:crypto). Signing the hash signs the
 * exact content, since the hash is recomputed from the body on every verify.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { sha256Hex } from "../util/canonical.js";
import type { Bundle } from "./types.js";

export const SIG_FORMAT = "rulers-sig/1";

export interface Signature {
  readonly format: string;
  readonly alg: "ed25519";
  readonly hash: string;
  readonly key_id: string;
  readonly signature: string;
}

export function generateSigningKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export function keyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return "sha256:" + sha256Hex(der);
}

export function signBundle(bundle: Bundle, privateKeyPem: string): Signature {
  const key = createPrivateKey(privateKeyPem);
  const pub = createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
  return {
    format: SIG_FORMAT,
    alg: "ed25519",
    hash: bundle.hash,
    key_id: keyId(pub),
    signature: sign(null, Buffer.from(bundle.hash, "utf8"), key).toString("base64"),
  };
}

export function verifySignature(bundle: Bundle, sig: Signature, publicKeyPem: string): boolean {
  if (sig.format !== SIG_FORMAT || sig.alg !== "ed25519" || sig.hash !== bundle.hash) return false;
  try {
    return verify(null, Buffer.from(bundle.hash, "utf8"), createPublicKey(publicKeyPem), Buffer.from(sig.signature, "base64"));
  } catch {
    return false;
  }
}
