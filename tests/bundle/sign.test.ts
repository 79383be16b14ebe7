import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/bundle/hash.js";
import {
  generateSigningKeys,
  keyId,
  parsePrivateKey,
  parsePublicKey,
  SIG_FORMAT,
  SignError,
  signBundle,
  verifySignature,
} from "../../src/bundle/sign.js";
import { bundle } from "./fixtures.js";

const keys = generateSigningKeys();

describe("ed25519 signatures", () => {
  it("make PEM key pairs", () => {
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(parsePublicKey(keys.publicKeyPem).asymmetricKeyType).toBe("ed25519");
  });

  it("sign the bundle's hash, naming the key by sha256 of its DER", () => {
    const b = bundle();
    const sig = signBundle(b, keys.privateKeyPem);
    const der = createPublicKey(keys.publicKeyPem).export({ type: "spki", format: "der" });
    expect(sig).toEqual({
      format: SIG_FORMAT,
      alg: "ed25519",
      hash: b.hash,
      key_id: `sha256:${sha256Hex(der)}`,
      signature: expect.any(String),
    });
    expect(Buffer.from(sig.signature, "base64")).toHaveLength(64);
    expect(keyId(keys.publicKeyPem)).toBe(sig.key_id);
    // ed25519 is deterministic: the same key and bundle give the same signature.
    expect(signBundle(b, keys.privateKeyPem)).toEqual(sig);
  });

  it("verify with the right key only, and only for the bundle that was signed", () => {
    const b = bundle();
    const sig = signBundle(b, keys.privateKeyPem);
    expect(verifySignature(b, sig, keys.publicKeyPem)).toBe(true);
    expect(verifySignature(b, sig, keys.privateKeyPem)).toBe(true);
    expect(verifySignature(b, sig, generateSigningKeys().publicKeyPem)).toBe(false);
    expect(verifySignature(bundle({ version: "2.0.0" }), sig, keys.publicKeyPem)).toBe(false);
    // A signature over another hash, relabelled with this bundle's hash, still fails.
    const other = signBundle(bundle({ version: "2.0.0" }), keys.privateKeyPem);
    expect(verifySignature(b, { ...other, hash: b.hash }, keys.publicKeyPem)).toBe(false);
  });

  it("return false, never throw, for malformed signatures and keys", () => {
    const b = bundle();
    const sig = signBundle(b, keys.privateKeyPem);
    const bad: unknown[] = [
      { ...sig, signature: "" },
      { ...sig, signature: 42 },
      { ...sig, format: "rulers-sig/0" },
      { ...sig, alg: "rsa" },
      null,
      "sig",
    ];
    for (const s of bad) expect(verifySignature(b, s as never, keys.publicKeyPem)).toBe(false);
    expect(verifySignature(b, sig, "not a key")).toBe(false);
  });

  it("refuse keys that are not ed25519, or not keys", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const rsaPem = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => signBundle(bundle(), rsaPem)).toThrow(SignError);
    expect(() => parsePrivateKey(rsaPem)).toThrow(/the private key has type `rsa`, not ed25519/);
    expect(() => parsePrivateKey("garbage")).toThrow(/not a private key in PEM form/);
    expect(() => parsePublicKey("garbage")).toThrow(/not a public key in PEM form/);
    expect(() => parsePrivateKey(keys.publicKeyPem)).toThrow(SignError);
  });
});
