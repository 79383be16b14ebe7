import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serializeBundle, writeBundle } from "../../src/bundle/file.js";
import {
  checkAgainstLock,
  entryPath,
  LOCK_FORMAT,
  LockError,
  lockBundles,
  readLock,
  resolveBundleRef,
  writeLock,
} from "../../src/bundle/lock.js";
import { bundle, tempDir } from "./fixtures.js";

const { dir, cleanup } = tempDir("rulers-lock-");
afterAll(cleanup);

const bundles = join(dir, "bundles");
const v1 = writeBundle(bundles, bundle());
const v2 = writeBundle(bundles, bundle({ version: "2.0.0" }));
const other = writeBundle(bundles, bundle({ id: "t.other" }));

function lockErrorOf(f: () => unknown): LockError {
  try {
    f();
  } catch (err) {
    if (err instanceof LockError) return err;
    throw err;
  }
  throw new Error("expected a LockError");
}

describe("lock files", () => {
  it("pin id → version → hash with paths relative to the lock, and round-trip", () => {
    const lockPath = join(dir, "rulers.lock");
    const lock = lockBundles([v1, v2, other], lockPath);
    writeLock(lockPath, lock);
    expect(readLock(lockPath)).toEqual(lock);
    expect(lock).toEqual({
      format: LOCK_FORMAT,
      rubrics: {
        "t.essay": {
          "1.0.0": { hash: bundle().hash, path: "bundles/t.essay/1.0.0/bundle.json" },
          "2.0.0": { hash: bundle({ version: "2.0.0" }).hash, path: "bundles/t.essay/2.0.0/bundle.json" },
        },
        "t.other": { "1.0.0": { hash: bundle({ id: "t.other" }).hash, path: "bundles/t.other/1.0.0/bundle.json" } },
      },
    });
    const text = readFileSync(lockPath, "utf8");
    expect(text.startsWith('{\n  "format": "rulers-lock/1",\n  "rubrics": {\n    "t.essay": {')).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("store paths from a lock in another folder with `..` and forward slashes, resolving back to the file", () => {
    const lockPath = join(dir, "experiments", "exp1", "rulers.lock");
    mkdirSync(join(dir, "experiments", "exp1"), { recursive: true });
    const lock = lockBundles([v1], lockPath);
    const entry = lock.rubrics["t.essay"]!["1.0.0"]!;
    expect(entry.path).toBe("../../bundles/t.essay/1.0.0/bundle.json");
    expect(entryPath(lockPath, entry)).toBe(v1);
  });

  it("are written the same, byte for byte, whatever order the bundles were given in", () => {
    const a = join(dir, "a.lock");
    const b = join(dir, "b.lock");
    writeLock(a, lockBundles([v1, v2, other], a));
    writeLock(b, lockBundles([other, v2, v1], b));
    expect(readFileSync(a, "utf8")).toBe(readFileSync(b, "utf8"));
  });

  it("refuse an altered bundle and two files claiming one version, naming every one", () => {
    const altered = join(dir, "altered", "bundle.json");
    mkdirSync(join(dir, "altered"));
    writeFileSync(altered, serializeBundle(bundle()).replace('"weight": 2.5', '"weight": 3'));
    const clash = writeBundle(join(dir, "clash"), bundle({ title: "another title" }));
    const e = lockErrorOf(() => lockBundles([v1, altered, clash], join(dir, "x.lock")));
    expect(e.problems).toHaveLength(2);
    expect(e.problems[0]).toMatch(/altered.*bundle\.json: the bundle was altered after compiling .*; recompile it/);
    expect(e.problems[1]).toMatch(
      /`t\.essay@1\.0\.0` is also bundles\/t\.essay\/1\.0\.0\/bundle\.json with a different hash; bump the version/,
    );
    expect(() => lockBundles([join(dir, "missing.json")], join(dir, "x.lock"))).toThrow(/no such bundle file/);
  });

  it.each([
    ["not JSON", "{", /not valid JSON/],
    ["a wrong format", JSON.stringify({ format: "rulers-lock/0", rubrics: {} }), /`format`/],
    [
      "a bad hash",
      JSON.stringify({ format: LOCK_FORMAT, rubrics: { a: { "1.0.0": { hash: "sha256:xyz", path: "p" } } } }),
      /`rubrics\.a\.1\.0\.0\.hash` must be `sha256:`/,
    ],
  ])("refuse to read a lock that is %s", (_what, text, message) => {
    const p = join(dir, "bad.lock");
    writeFileSync(p, text);
    expect(() => readLock(p)).toThrow(message);
    expect(() => readLock(p)).toThrow(LockError);
  });

  it("say when the lock file does not exist", () => {
    expect(() => readLock(join(dir, "none.lock"))).toThrow(/no such lock file; make one with `rulers lock`/);
  });
});

describe("checkAgainstLock", () => {
  const lock = lockBundles([v1, other], join(dir, "rulers.lock"));
  it("accepts the pinned bundle", () => {
    expect(checkAgainstLock(bundle(), lock)).toEqual([]);
  });
  it("reports an unpinned version, an unpinned rubric and a changed hash", () => {
    expect(checkAgainstLock(bundle({ version: "2.0.0" }), lock)).toEqual([
      {
        kind: "version-mismatch",
        message: "the lock pins `t.essay` at version 1.0.0, not 2.0.0; use a pinned version or run `rulers lock` again",
      },
    ]);
    expect(checkAgainstLock(bundle({ id: "t.new" }), lock).map((p) => p.kind)).toEqual(["not-in-lock"]);
    const changed = bundle({ instructions: "Be lenient." });
    const [p] = checkAgainstLock(changed, lock);
    expect(p?.kind).toBe("lock-hash-mismatch");
    expect(p?.message).toContain(changed.hash);
    expect(p?.message).toContain(bundle().hash);
  });
});

describe("resolveBundleRef", () => {
  const lockPath = join(dir, "refs.lock");
  writeLock(lockPath, lockBundles([v1, v2, other], lockPath));

  it("returns paths as given", () => {
    expect(resolveBundleRef(v1, lockPath)).toBe(v1);
    expect(resolveBundleRef("somewhere/else.json", lockPath)).toBe("somewhere/else.json");
  });

  it("looks up id@version, and id alone when the lock pins one version", () => {
    expect(resolveBundleRef("t.essay@2.0.0", lockPath)).toBe(v2);
    expect(resolveBundleRef("t.other", lockPath)).toBe(other);
  });

  it("asks for a version when the lock pins several, and lists what it pins", () => {
    expect(() => resolveBundleRef("t.essay", lockPath)).toThrow(
      "`t.essay`: the lock pins several versions (1.0.0, 2.0.0); say which with `t.essay@<version>`",
    );
    expect(() => resolveBundleRef("t.essay@3.0.0", lockPath)).toThrow(
      /pins `t\.essay` only at versions 1\.0\.0, 2\.0\.0/,
    );
    expect(() => resolveBundleRef("t.unknown@1.0.0", lockPath)).toThrow(/cannot find bundle `t\.unknown@1\.0\.0`/);
  });

  it("refuses a locked path that now holds another locked rubric", () => {
    const swapLock = join(dir, "swap", "rulers.lock");
    const a = writeBundle(join(dir, "swap", "bundles"), bundle());
    const b = writeBundle(join(dir, "swap", "bundles"), bundle({ id: "t.other" }));
    writeLock(swapLock, lockBundles([a, b], swapLock));
    writeFileSync(a, readFileSync(b));
    expect(() => resolveBundleRef("t.essay@1.0.0", swapLock)).toThrow(
      /`t\.essay@1\.0\.0`: the lock pins it to .* which holds `t\.other@1\.0\.0`/,
    );
  });

  it("without a lock, finds id@version under bundles/ in the working folder", () => {
    const here = join(dir, "nolock");
    writeBundle(join(here, "bundles"), bundle());
    const cwd = process.cwd();
    process.chdir(here);
    try {
      expect(resolveBundleRef("t.essay@1.0.0")).toBe(join("bundles", "t.essay", "1.0.0", "bundle.json"));
      expect(() => resolveBundleRef("t.essay")).toThrow(/cannot find bundle `t\.essay`/);
    } finally {
      process.chdir(cwd);
    }
  });
});
