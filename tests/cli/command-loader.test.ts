/**
 * The built CLI runs each command from its prebuilt script with a V8 code cache
 * (src/cli/command-loader.ts): the cache is written once, used after, survives damage, and is
 * never read from a directory or file someone else could have written.
 */
import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CODE_CACHE_FILES } from "../../src/cli/command-loader.js";
import { requireBuiltCli } from "../helpers/built.js";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "rulers-code-cache-"));
const rubric = join(root, "examples/asap-essay.rubric");

beforeAll(requireBuiltCli);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function rulers(args: string[], cache: string): Promise<Run> {
  return new Promise((res) =>
    execFile(
      process.execPath,
      ["bin/rulers.js", ...args],
      { cwd: root, env: { ...process.env, RULERS_CODE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: "" } },
      (err, stdout, stderr) => res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

const cacheFiles = (d: string) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".v8")) : []);

describe("the command code cache", () => {
  it("is written by the first run, then used as it is, with the same output", async () => {
    const cache = join(dir, "fresh");
    const first = await rulers(["hash", rubric], cache);
    expect(first.code, first.stderr).toBe(0);
    const files = cacheFiles(cache);
    expect(files).toHaveLength(1);
    const before = statSync(join(cache, files[0]!));
    expect(before.size).toBeGreaterThan(10_000);
    expect(before.mode & 0o077).toBe(0);
    const second = await rulers(["hash", rubric], cache);
    expect(second).toEqual(first);
    const after = statSync(join(cache, files[0]!));
    // Not written again: the data was accepted.
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("keeps one file per command script", async () => {
    const cache = join(dir, "two");
    expect((await rulers(["hash", rubric], cache)).code).toBe(0);
    expect((await rulers(["fmt", "--check", rubric], cache)).code).toBe(0);
    expect(cacheFiles(cache)).toHaveLength(2);
  });

  it("survives damaged data: the run compiles from source and the file is written again", async () => {
    const cache = join(dir, "damaged");
    const good = await rulers(["hash", rubric], cache);
    const [file] = cacheFiles(cache);
    const path = join(cache, file!);
    writeFileSync(path, Buffer.alloc(statSync(path).size, 0x5a), { mode: 0o600 });
    const ino = statSync(path).ino;
    const again = await rulers(["hash", rubric], cache);
    expect(again).toEqual(good);
    expect(statSync(path).ino).not.toBe(ino);
  });

  it.skipIf(process.platform === "win32")("is not used from a directory others can write", async () => {
    const cache = join(dir, "shared");
    mkdirSync(cache);
    chmodSync(cache, 0o777);
    const r = await rulers(["hash", rubric], cache);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("sha256:");
    expect(cacheFiles(cache)).toEqual([]);
  });

  it.skipIf(process.platform === "win32")("does not read a cache file others can write", async () => {
    const cache = join(dir, "loose-file");
    const good = await rulers(["hash", rubric], cache);
    const [file] = cacheFiles(cache);
    const path = join(cache, file!);
    // Good data, but anyone could have written it: not read (a trusted file would be used
    // as it is), and the run's own data replaces it.
    chmodSync(path, 0o666);
    const ino = statSync(path).ino;
    const r = await rulers(["hash", rubric], cache);
    expect(r).toEqual(good);
    const now = statSync(path);
    expect(now.ino).not.toBe(ino);
    expect(now.mode & 0o077).toBe(0);
  });

  it("is off with RULERS_CODE_CACHE=off or NODE_DISABLE_COMPILE_CACHE=1", async () => {
    const off = await rulers(["hash", rubric], "off");
    expect(off.code, off.stderr).toBe(0);
    expect(existsSync(join(root, "off"))).toBe(false);
    const cache = join(dir, "disabled");
    const r = await new Promise<number>((res) =>
      execFile(
        process.execPath,
        ["bin/rulers.js", "hash", rubric],
        { cwd: root, env: { ...process.env, RULERS_CODE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: "1" } },
        (err) => res(err ? 1 : 0),
      ),
    );
    expect(r).toBe(0);
    expect(cacheFiles(cache)).toEqual([]);
  });

  it("keeps the newest files only, and clears temporary files of runs that died mid-write", async () => {
    const cache = join(dir, "full");
    mkdirSync(cache, { mode: 0o700 });
    const old = new Date(Date.now() - 86_400_000);
    for (let i = 0; i < CODE_CACHE_FILES + 10; i++) {
      const f = join(cache, `old-${String(i).padStart(3, "0")}.v8`);
      writeFileSync(f, "x", { mode: 0o600 });
      utimesSync(f, old, new Date(old.getTime() + i * 1000));
    }
    writeFileSync(join(cache, "dead.v8.123.tmp"), "x", { mode: 0o600 });
    utimesSync(join(cache, "dead.v8.123.tmp"), old, old);
    writeFileSync(join(cache, "live.v8.456.tmp"), "x", { mode: 0o600 });
    expect((await rulers(["hash", rubric], cache)).code).toBe(0);
    const left = readdirSync(cache);
    expect(cacheFiles(cache)).toHaveLength(CODE_CACHE_FILES);
    // The oldest went; the one just written and the newest old ones stayed.
    expect(left).not.toContain("old-000.v8");
    expect(left).toContain(`old-${String(CODE_CACHE_FILES + 9).padStart(3, "0")}.v8`);
    expect(left.filter((f) => !f.startsWith("old-") && f.endsWith(".v8"))).toHaveLength(1);
    expect(left).not.toContain("dead.v8.123.tmp");
    expect(left).toContain("live.v8.456.tmp");
  });

  it("keeps one class per error: a command's refusal is one line and its exit code, not a crash", async () => {
    const r = await rulers(
      ["judge", "--bundle", join(dir, "no-such-bundle.json"), "--input", rubric],
      join(dir, "err"),
    );
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(2);
    expect(r.stderr).toMatch(/^rulers judge: /);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
