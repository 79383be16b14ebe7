import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prettyCanonicalJson } from "../../src/bundle/canonical.js";
import { serializeBundle, writeBundle } from "../../src/bundle/file.js";
import { lockBundles, readLock, writeLock } from "../../src/bundle/lock.js";
import { generateSigningKeys, signaturePath, signBundle } from "../../src/bundle/sign.js";
import { verifyBundleFile, verifyLock } from "../../src/bundle/verify.js";
import { bundle, tempDir } from "./fixtures.js";

const { dir, cleanup } = tempDir("rulers-verify-");
afterAll(cleanup);

const kinds = (ps: readonly { kind: string }[]) => ps.map((p) => p.kind);

describe("verifyBundleFile", () => {
  const path = writeBundle(join(dir, "bundles"), bundle());
  const lockPath = join(dir, "rulers.lock");
  writeLock(lockPath, lockBundles([path], lockPath));
  const lock = readLock(lockPath);

  it("accepts an untouched bundle, alone and against its lock", () => {
    const v = verifyBundleFile(path, { lock });
    expect(v.problems).toEqual([]);
    expect(v.bundle?.hash).toBe(bundle().hash);
  });

  it("reports an altered body, with the path and how to fix it", () => {
    const p = join(dir, "altered.json");
    writeFileSync(p, serializeBundle(bundle()).replace("Be strict.", "Be kind."));
    expect(verifyBundleFile(p).problems).toEqual([
      {
        path: p,
        kind: "altered",
        message: `content does not match its hash ${bundle().hash}: the bundle was altered after compiling; recompile it from source`,
      },
    ]);
  });

  it("reports a hash edited to match nothing, and a file that is not a bundle, as problems", () => {
    const p = join(dir, "rehashed.json");
    writeFileSync(p, serializeBundle({ ...bundle(), hash: `sha256:${"a".repeat(64)}` }));
    expect(kinds(verifyBundleFile(p).problems)).toEqual(["altered"]);
    writeFileSync(p, "[]");
    const [u] = verifyBundleFile(p).problems;
    expect(u?.kind).toBe("unreadable");
    expect(u?.message).toMatch(/^not a rulers bundle/);
    expect(kinds(verifyBundleFile(join(dir, "gone.json")).problems)).toEqual(["unreadable"]);
  });

  it("checks the lock: another version, another rubric, a changed rubric under the same version", () => {
    const v2 = writeBundle(join(dir, "v2"), bundle({ version: "2.0.0" }));
    expect(kinds(verifyBundleFile(v2, { lock }).problems)).toEqual(["version-mismatch"]);
    const otherId = writeBundle(join(dir, "other"), bundle({ id: "t.other" }));
    expect(kinds(verifyBundleFile(otherId, { lock }).problems)).toEqual(["not-in-lock"]);
    const changed = writeBundle(join(dir, "changed"), bundle({ title: "Edited" }));
    expect(kinds(verifyBundleFile(changed, { lock }).problems)).toEqual(["lock-hash-mismatch"]);
  });

  it("reports both when a bundle is altered and not the locked one", () => {
    const p = join(dir, "both.json");
    writeFileSync(p, serializeBundle(bundle({ title: "Edited" })).replace("Be strict.", "Be kind."));
    expect(kinds(verifyBundleFile(p, { lock }).problems)).toEqual(["altered", "lock-hash-mismatch"]);
  });
});

describe("verifyLock", () => {
  const root = join(dir, "project");
  const a = writeBundle(join(root, "bundles"), bundle());
  const b = writeBundle(join(root, "bundles"), bundle({ id: "t.other" }));
  const lockPath = join(root, "rulers.lock");
  writeLock(lockPath, lockBundles([a, b], lockPath));
  const lock = readLock(lockPath);

  it("checks every entry, in id and version order", () => {
    const results = verifyLock(lock, lockPath);
    expect(results.map((r) => r.path)).toEqual([a, b]);
    expect(results.flatMap((r) => r.problems)).toEqual([]);
  });

  it("reports an entry whose file is gone as missing", () => {
    const saved = readFileSync(b);
    rmSync(b);
    try {
      const problems = verifyLock(lock, lockPath).flatMap((r) => r.problems);
      expect(problems).toEqual([
        {
          path: b,
          kind: "missing",
          message: "`t.other@1.0.0` is locked but its bundle file is missing; recompile it or run `rulers lock` again",
        },
      ]);
    } finally {
      writeFileSync(b, saved);
    }
  });

  it("catches a locked file swapped for another locked bundle", () => {
    const saved = readFileSync(a);
    writeFileSync(a, readFileSync(b));
    try {
      const problems = verifyLock(lock, lockPath).flatMap((r) => r.problems);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ path: a, kind: "version-mismatch" });
      expect(problems[0]!.message).toMatch(/pins `t\.essay@1\.0\.0` to this file but it holds `t\.other@1\.0\.0`/);
    } finally {
      writeFileSync(a, saved);
    }
  });

  it("catches a locked file replaced by a recompiled rubric under the same version", () => {
    const saved = readFileSync(a);
    writeFileSync(a, serializeBundle(bundle({ title: "Edited" })));
    try {
      expect(kinds(verifyLock(lock, lockPath).flatMap((r) => r.problems))).toEqual(["lock-hash-mismatch"]);
    } finally {
      writeFileSync(a, saved);
    }
  });
});

describe("signatures in verify", () => {
  const keys = generateSigningKeys();
  const path = writeBundle(join(dir, "signed"), bundle());
  const sigPath = signaturePath(path);

  it("pass with the signing key and fail without a .sig", () => {
    expect(kinds(verifyBundleFile(path, { publicKeyPem: keys.publicKeyPem }).problems)).toEqual(["bad-signature"]);
    expect(verifyBundleFile(path, { publicKeyPem: keys.publicKeyPem }).problems[0]!.message).toMatch(
      /no signature file .*bundle\.json\.sig/,
    );
    writeFileSync(sigPath, prettyCanonicalJson(signBundle(bundle(), keys.privateKeyPem)));
    expect(verifyBundleFile(path, { publicKeyPem: keys.publicKeyPem }).problems).toEqual([]);
    // Without a key, signatures are not looked at.
    expect(verifyBundleFile(path).problems).toEqual([]);
  });

  it("name why a signature fails: another key, another bundle, forged bytes, a damaged file", () => {
    const good = signBundle(bundle(), keys.privateKeyPem);
    const cases: [unknown, RegExp][] = [
      [
        signBundle(bundle(), generateSigningKeys().privateKeyPem),
        /was made with key sha256:[0-9a-f]{64}, not the given public key/,
      ],
      [signBundle(bundle({ version: "9.0.0" }), keys.privateKeyPem), /signs sha256:[0-9a-f]{64}, not this bundle's/],
      [{ ...good, signature: Buffer.alloc(64, 7).toString("base64") }, /does not verify with the given public key/],
      [{ ...good, alg: "rsa" }, /not a rulers signature: `alg`/],
    ];
    for (const [sig, message] of cases) {
      writeFileSync(sigPath, JSON.stringify(sig));
      const problems = verifyBundleFile(path, { publicKeyPem: keys.publicKeyPem }).problems;
      expect(kinds(problems)).toEqual(["bad-signature"]);
      expect(problems[0]!.message).toMatch(message);
    }
    writeFileSync(sigPath, "not json");
    expect(verifyBundleFile(path, { publicKeyPem: keys.publicKeyPem }).problems[0]!.message).toMatch(
      /bundle\.json\.sig: not valid JSON/,
    );
  });
});
