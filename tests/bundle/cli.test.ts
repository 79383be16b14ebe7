import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serializeBundle, writeBundle } from "../../src/bundle/file.js";
import { readLock } from "../../src/bundle/lock.js";
import { runCli } from "../helpers/cli.js";
import { bundle, tempDir } from "./fixtures.js";

const { dir, cleanup } = tempDir("rulers-cli-bundle-");
afterAll(cleanup);

/** A project folder with bundles/ holding three bundles. */
function project(name: string): { root: string; bundles: string; paths: string[] } {
  const root = join(dir, name);
  const bundles = join(root, "bundles");
  const paths = [bundle({ id: "t.b" }), bundle(), bundle({ version: "2.0.0" })].map((b) => writeBundle(bundles, b));
  return { root, bundles, paths };
}

async function inDir<T>(cwd: string, f: () => Promise<T>): Promise<T> {
  const saved = process.cwd();
  process.chdir(cwd);
  try {
    return await f();
  } finally {
    process.chdir(saved);
  }
}

describe("rulers lock", () => {
  it("searches folders, pins every bundle in sorted order and prints one line each", async () => {
    const { root, bundles } = project("lock");
    const out = join(root, "rulers.lock");
    const r = await runCli(["lock", bundles, "--out", out]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual([
      "locked t.b@1.0.0",
      "locked t.essay@1.0.0",
      "locked t.essay@2.0.0",
      `wrote ${out}`,
    ]);
    expect(lines[0]).toContain(bundle({ id: "t.b" }).hash);
    expect(readLock(out).rubrics["t.essay"]!["2.0.0"]!.path).toBe("bundles/t.essay/2.0.0/bundle.json");
  });

  it("writes the lock fresh from the bundles given, not merged with the old one", async () => {
    const { root, paths } = project("fresh");
    const out = join(root, "rulers.lock");
    await runCli(["lock", ...paths, "--out", out]);
    expect((await runCli(["lock", paths[0]!, "--out", out])).code).toBe(0);
    expect(Object.keys(readLock(out).rubrics)).toEqual(["t.b"]);
  });

  it("defaults to bundles/ and rulers.lock in the working folder", async () => {
    const { root } = project("defaults");
    const r = await inDir(root, () => runCli(["lock"]));
    expect(r.code).toBe(0);
    expect(Object.keys(readLock(join(root, "rulers.lock")).rubrics)).toEqual(["t.b", "t.essay"]);
  });

  it("refuses altered bundles, naming each, and writes nothing", async () => {
    const { root, paths } = project("altered");
    for (const p of paths.slice(1)) writeFileSync(p, readFileSync(p, "utf8").replace("Be strict.", "Be lax."));
    const out = join(root, "rulers.lock");
    const r = await runCli(["lock", join(root, "bundles"), "--out", out]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/t\.essay.1\.0\.0.bundle\.json: the bundle was altered after compiling/);
    expect(lines[2]).toBe(`${out} not written`);
    expect(existsSync(out)).toBe(false);
  });

  it("says so when there is nothing to lock", async () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const r = await runCli(["lock", empty, "--out", join(empty, "x.lock")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no bundle\.json found under `.*empty`/);
    expect((await runCli(["lock", join(dir, "nope")])).stderr).toMatch(/no such file or directory/);
  });
});

describe("rulers verify", () => {
  it("verifies given paths and prints one ok line", async () => {
    const { bundles } = project("v-paths");
    const r = await runCli(["verify", bundles]);
    expect(r).toMatchObject({ code: 0, stdout: "ok: 3 bundles verified\n", stderr: "" });
  });

  it("with no paths, checks what the lock pins, reporting each problem on its own line", async () => {
    const { root, paths } = project("v-lock");
    const lock = join(root, "rulers.lock");
    await runCli(["lock", join(root, "bundles"), "--out", lock]);
    expect((await runCli(["verify", "--lock", lock])).stdout).toBe(`ok: 3 bundles verified against ${lock}\n`);

    writeFileSync(paths[1]!, readFileSync(paths[1]!, "utf8").replace("Be strict.", "Be lax."));
    const gone = paths[2]!;
    const saved = readFileSync(gone);
    writeFileSync(`${gone}.bak`, saved);
    (await import("node:fs")).rmSync(gone);
    const r = await runCli(["verify", "--lock", lock]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([
      `${paths[1]}: altered: content does not match its hash ${bundle().hash}: the bundle was altered after compiling; recompile it from source`,
      `${gone}: missing: \`t.essay@2.0.0\` is locked but its bundle file is missing; recompile it or run \`rulers lock\` again`,
    ]);
  });

  it("uses rulers.lock in the working folder, else every bundle under bundles/", async () => {
    const { root } = project("v-cwd");
    const r1 = await inDir(root, () => runCli(["verify"]));
    expect(r1.stdout).toBe("ok: 3 bundles verified\n");
    await inDir(root, () => runCli(["lock"]));
    writeBundle(join(root, "bundles"), bundle({ id: "t.unlocked" }));
    // Only the locked bundles are checked when no paths are given…
    expect((await inDir(root, () => runCli(["verify"]))).stdout).toBe("ok: 3 bundles verified against rulers.lock\n");
    // …but a named bundle the lock does not pin is a problem when held against it.
    const r2 = await inDir(root, () => runCli(["verify", "bundles", "--lock", "rulers.lock"]));
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/t\.unlocked.*: not-in-lock: rubric `t\.unlocked` is not in the lock/);
    const nothing = join(dir, "nothing");
    mkdirSync(nothing);
    const r3 = await inDir(nothing, () => runCli(["verify"]));
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/: no bundles to verify; give paths/);
  });

  it("--json prints ok, every bundle and every problem", async () => {
    const { root, paths } = project("v-json");
    const bad = join(root, "bad.json");
    writeFileSync(bad, serializeBundle(bundle()).replace('"weight": 2.5', '"weight": 25'));
    const r = await runCli(["verify", paths[0]!, bad, "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toEqual({
      ok: false,
      bundles: [
        { path: paths[0], id: "t.b", version: "1.0.0", hash: bundle({ id: "t.b" }).hash, ok: true },
        { path: bad, id: "t.essay", version: "1.0.0", hash: bundle().hash, ok: false },
      ],
      problems: [{ path: bad, kind: "altered", message: expect.stringMatching(/^content does not match its hash/) }],
    });
    const good = JSON.parse((await runCli(["verify", paths[0]!, "--json"])).stdout);
    expect(good.ok).toBe(true);
    expect(good.problems).toEqual([]);
  });

  it("reports an unreadable lock or key in one line", async () => {
    const { bundles } = project("v-bad-args");
    const r1 = await runCli(["verify", bundles, "--lock", join(dir, "no.lock")]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/no\.lock: no such lock file/);
    const notKey = join(dir, "not-a-key.pem");
    writeFileSync(notKey, "hello");
    const r2 = await runCli(["verify", bundles, "--public-key", notKey]);
    expect(r2.code).toBe(1);
    expect(r2.stderr.trim().split("\n")).toHaveLength(1);
    expect(r2.stderr).toMatch(/not-a-key\.pem`: not a public key in PEM form/);
  });
});

describe("rulers sign", () => {
  it("generates a key pair, the private key readable only by its owner, and never overwrites one", async () => {
    const prefix = join(dir, "keys", "team");
    const r = await runCli(["sign", "--generate-key", prefix]);
    expect(r.code).toBe(0);
    expect(readFileSync(`${prefix}.key.pem`, "utf8")).toMatch(/BEGIN PRIVATE KEY/);
    expect(readFileSync(`${prefix}.pub.pem`, "utf8")).toMatch(/BEGIN PUBLIC KEY/);
    if (process.platform !== "win32") expect(statSync(`${prefix}.key.pem`).mode & 0o777).toBe(0o600);
    const before = readFileSync(`${prefix}.key.pem`, "utf8");
    const again = await runCli(["sign", "--generate-key", prefix]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/team\.key\.pem` already exists; choose another prefix/);
    expect(readFileSync(`${prefix}.key.pem`, "utf8")).toBe(before);
  });

  it("signs bundles, and verify checks the signatures against the public key", async () => {
    const { bundles, paths } = project("s-sign");
    const prefix = join(dir, "keys", "signer");
    await runCli(["sign", "--generate-key", prefix]);
    const r = await runCli(["sign", "--key", `${prefix}.key.pem`, bundles]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(3);
    for (const p of paths) expect(JSON.parse(readFileSync(`${p}.sig`, "utf8")).format).toBe("rulers-sig/1");
    expect((await runCli(["verify", bundles, "--public-key", `${prefix}.pub.pem`])).stdout).toBe(
      "ok: 3 bundles verified, signatures valid\n",
    );

    const other = join(dir, "keys", "other");
    await runCli(["sign", "--generate-key", other]);
    const wrong = await runCli(["verify", bundles, "--public-key", `${other}.pub.pem`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split("\n")).toHaveLength(3);
    expect(wrong.stderr).toMatch(/: bad-signature: .*was made with key/);
  });

  it("signs nothing when any bundle is altered", async () => {
    const { bundles, paths } = project("s-altered");
    const prefix = join(dir, "keys", "s-altered");
    await runCli(["sign", "--generate-key", prefix]);
    writeFileSync(paths[2]!, readFileSync(paths[2]!, "utf8").replace("Be strict.", "Be lax."));
    const r = await runCli(["sign", "--key", `${prefix}.key.pem`, bundles]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to sign an altered bundle/);
    expect(r.stderr.trim().endsWith("nothing signed")).toBe(true);
    for (const p of paths) expect(existsSync(`${p}.sig`)).toBe(false);
  });

  it("refuses a missing or unusable key and a missing --key", async () => {
    const { bundles } = project("s-keys");
    expect((await runCli(["sign", bundles])).stderr).toMatch(/: give the private key with --key/);
    expect((await runCli(["sign", "--key", join(dir, "none.pem"), bundles])).stderr).toMatch(
      /cannot read private key `.*none\.pem` \(ENOENT\)/,
    );
    const pub = join(dir, "keys", "pub-only");
    await runCli(["sign", "--generate-key", pub]);
    const r = await runCli(["sign", "--key", `${pub}.pub.pem`, bundles]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/pub-only\.pub\.pem`: not a private key in PEM form/);
  });
});

describe("write failures", () => {
  it("report an unwritable lock path in one line, without a stack", async () => {
    const { root, bundles } = project("w-fail");
    const r = await runCli(["lock", bundles, "--out", root]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot write `.*w-fail` \(E[A-Z]+\); give a writable file path with --out/);
  });
});
