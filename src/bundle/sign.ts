/**
 * Detached ed25519 signatures over a bundle's hash (node:crypto). Signing the hash signs the
 * exact content, since the hash is recomputed from the body on every verify.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { errnoOf, RulersError } from "../util/errors.js";
import { lazy } from "../util/lazy.js";
import { zodPackage } from "../util/packages.js";
import { parseStrictJson } from "../util/strict-json.js";
import { sha256Hex } from "./hash.js";
import type { Bundle } from "./types.js";

export const SIG_FORMAT = "rulers-sig/1";

export interface Signature {
  readonly format: string;
  readonly alg: "ed25519";
  readonly hash: string;
  readonly key_id: string;
  readonly signature: string;
}

/** A key that cannot be used, or a signature file that cannot be read. */
export class SignError extends RulersError {
  constructor(message: string) {
    super(message, { code: "signature" });
    this.name = "SignError";
  }
}

const signatureFile = lazy(() => {
  const { z } = zodPackage();
  const SignatureFile = z.object({
    format: z.literal(SIG_FORMAT),
    alg: z.literal("ed25519"),
    hash: z.string(),
    key_id: z.string(),
    signature: z.string(),
  });
  return SignatureFile;
});

export function generateSigningKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

// node:crypto would happily sign with an RSA or EC key too; the file format promises ed25519.
function ed25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new SignError(
      `the ${what} has type \`${key.asymmetricKeyType ?? "secret"}\`, not ed25519; make an ed25519 pair with \`rulers sign --generate-key <prefix>\``,
    );
  }
  return key;
}

export function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new SignError("not a private key in PEM form; make one with `rulers sign --generate-key <prefix>`");
  }
  return ed25519(key, "private key");
}

/** Also accepts a private key, whose public half is then used. */
export function parsePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new SignError(
      "not a public key in PEM form; give the `<prefix>.pub.pem` that `rulers sign --generate-key` wrote",
    );
  }
  return ed25519(key, "public key");
}

/** `sha256:` over the public key's DER (SPKI), so a signature names the key that made it. */
export function keyId(publicKey: string | KeyObject): string {
  const key = typeof publicKey === "string" ? parsePublicKey(publicKey) : publicKey;
  return `sha256:${sha256Hex(key.export({ type: "spki", format: "der" }))}`;
}

export function signBundle(bundle: Bundle, privateKeyPem: string): Signature {
  const key = parsePrivateKey(privateKeyPem);
  return {
    format: SIG_FORMAT,
    alg: "ed25519",
    hash: bundle.hash,
    key_id: keyId(createPublicKey(key)),
    signature: sign(null, Buffer.from(bundle.hash, "utf8"), key).toString("base64"),
  };
}

/** False for any signature that is not by this key over this bundle's hash, never an exception. */
export function verifySignature(bundle: Bundle, sig: Signature, publicKeyPem: string): boolean {
  if (sig === null || typeof sig !== "object") return false;
  if (
    sig.format !== SIG_FORMAT ||
    sig.alg !== "ed25519" ||
    sig.hash !== bundle.hash ||
    typeof sig.signature !== "string"
  )
    return false;
  try {
    return verify(
      null,
      Buffer.from(bundle.hash, "utf8"),
      parsePublicKey(publicKeyPem),
      Buffer.from(sig.signature, "base64"),
    );
  } catch {
    return false;
  }
}

/** The detached signature file written beside a bundle. */
export function signaturePath(bundlePath: string): string {
  return `${bundlePath}.sig`;
}

export function readSignature(path: string): Signature {
  let json: unknown;
  try {
    json = parseStrictJson(readFileSync(path, "utf8"));
  } catch (err) {
    const code = errnoOf(err);
    throw new SignError(
      `${path}: ${code === "ENOENT" ? "no such signature file" : code ? `cannot read (${code})` : "not valid JSON"}`,
    );
  }
  const parsed = signatureFile().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SignError(
      `${path}: not a rulers signature: \`${issue.path.join(".") || "(top)"}\` ${issue.message.toLowerCase()}`,
    );
  }
  return parsed.data;
}
