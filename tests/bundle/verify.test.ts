import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { writeBundle } from "../../src/bundle/file.js";
import { lockBundles, readLock, resolveBundleRef, writeLock } from "../../src/bundle/lock.js";
import { generateSigningKeys, signBundle, verifySignature } from "../../src/bundle/sign.js";
import { missingFromLock, verifyBundleFile } from "../../src/bundle/verify.js";
import { compileSource } from "../../src/compile/index.js";
import { rubric } from "../helpers/rubrics.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compiled(version = "1.0.0") {
  const r = compileSource(rubric('criterion c "Clear" binary weight 2 end', `rubric t.v version ${version}`), "t.rubric");
  return buildBundle(r.ir!);
}

describe("verify", () => {
  const bundle = compiled();
  const path = writeBundle(join(dir, "bundles"), bundle);
  const text = readFileSync(path, "utf8");

  it("accepts an untouched bundle", () => {
    expect(verifyBundleFile(path).problems).toEqual([]);
  });

  it("catches a change to any single character of the body's strings and numbers", () => {
    // Positions of characters inside the body's string and number literals.
    const bodyStart = text.indexOf('"body"');
    const candidates: number[] = [];
    for (let i = bodyStart + 8; i < text.length; i++) if (/[A-Za-z0-9]/.test(text[i]!)) candidates.push(i);
    const altered = join(dir, "altered.json");
    fc.assert(
      fc.property(fc.constantFrom(...candidates), (i) => {
        const c = text[i]!;
        const replacement = c === "1" ? "2" : /[0-9]/.test(c) ? "1" : c === "a" ? "b" : "a";
        writeFileSync(altered, text.slice(0, i) + replacement + text.slice(i + 1));
        expect(verifyBundleFile(altered).problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it("reports a file that is not a bundle as unreadable, with the field", () => {
    const p = join(dir, "not-bundle.json");
    writeFileSync(p, JSON.stringify({ hash: "sha256:" + "0".repeat(64), body: { format: "rulers-bundle/1" } }));
    const [problem] = verifyBundleFile(p).problems;
    expect(problem?.kind).toBe("unreadable");
    expect(problem?.message).toContain("body.rubric");
  });

  it("checks the lock: hash, version and missing files", () => {
    const lockPath = join(dir, "rulers.lock");
    writeLock(lockPath, lockBundles([path], lockPath));
    const lock = readLock(lockPath);
    expect(lock.rubrics["t.v"]!["1.0.0"]!.path).toBe("bundles/t.v/1.0.0/bundle.json");
    expect(verifyBundleFile(path, { lock }).problems).toEqual([]);

    const other = compiled("1.0.1");
    const otherPath = writeBundle(join(dir, "other"), other);
    expect(verifyBundleFile(otherPath, { lock }).problems.map((p) => p.kind)).toEqual(["version-mismatch"]);

    const tampered = { ...lock, rubrics: { "t.v": { "1.0.0": { ...lock.rubrics["t.v"]!["1.0.0"]!, hash: "sha256:" + "f".repeat(64) } } } };
    expect(verifyBundleFile(path, { lock: tampered }).problems.map((p) => p.kind)).toEqual(["lock-hash-mismatch"]);

    const gone = { ...lock, rubrics: { ...lock.rubrics, "t.gone": { "2.0.0": { hash: "sha256:00", path: "bundles/t.gone/2.0.0/bundle.json" } } } };
    expect(missingFromLock(gone, lockPath).map((p) => p.kind)).toEqual(["missing"]);
    expect(resolveBundleRef("t.v@1.0.0", lockPath)).toBe(join(dir, "bundles/t.v/1.0.0/bundle.json"));
    expect(resolveBundleRef("t.v", lockPath)).toBe(join(dir, "bundles/t.v/1.0.0/bundle.json"));
    expect(() => resolveBundleRef("t.v@9.9.9", lockPath)).toThrow(/only at 1.0.0/);
  });
});

describe("signatures", () => {
  it("verify with the right key and fail with another key or another bundle", () => {
    const keys = generateSigningKeys();
    const b = compiled();
    const sig = signBundle(b, keys.privateKeyPem);
    expect(verifySignature(b, sig, keys.publicKeyPem)).toBe(true);
    expect(verifySignature(b, sig, generateSigningKeys().publicKeyPem)).toBe(false);
    expect(verifySignature(compiled("2.0.0"), sig, keys.publicKeyPem)).toBe(false);
    expect(verifySignature(b, { ...sig, signature: Buffer.from("x".repeat(64)).toString("base64") }, keys.publicKeyPem)).toBe(false);
  });
});
