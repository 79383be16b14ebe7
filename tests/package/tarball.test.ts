/**
 * The package as users get it: `npm pack`, install the tarball into an empty project (its
 * dependencies come from the registry, dev dependencies never), then use the CLI and the library
 * from there. This is the only test that sees what `files`, `exports` and `bin` really ship.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "rulers-pack-"));
const project = join(dir, "project");
const run = (cmd: string, args: string[], cwd = project) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "" },
  });

beforeAll(() => {
  run("npm", ["pack", "--silent", "--pack-destination", dir], root);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  run("mkdir", ["-p", project], dir);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-rulers", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, tarball)]);
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }), 60_000);

describe("the packed tarball", () => {
  it("ships the built CLI, the library and the grammar, and no sources or tests", () => {
    const listing = run("tar", ["-tzf", readdirSync(dir).find((f) => f.endsWith(".tgz"))!], dir);
    expect(listing).toContain("package/dist/index.js");
    expect(listing).toContain("package/dist/index.d.ts");
    expect(listing).toContain("package/bin/rulers.js");
    expect(listing).toContain("package/grammar/spec.md");
    expect(listing).not.toMatch(/package\/(src|tests|bench)\//);
  });

  it("runs `rulers --help` and compiles an example from the installed package", () => {
    expect(run("npx", ["--no-install", "rulers", "--help"])).toContain("usage: rulers <command>");
    const out = run("npx", [
      "--no-install",
      "rulers",
      "compile",
      join(root, "examples/asap-essay.rubric"),
      "--out",
      join(project, "bundles"),
    ]);
    expect(out).toMatch(/asap\.persuasive-essay@1\.0\.0 sha256:[0-9a-f]{64}/);
  });

  it("imports the typed API and compiles to the same hash as the CLI", () => {
    writeFileSync(
      join(project, "use.mjs"),
      `import { compile, RulersError } from "rulers";
       const r = compile({ file: ${JSON.stringify(join(root, "examples/asap-essay.rubric"))} });
       const bad = compile("rubric x version 1.0.0\\nscale 1 to");
       console.log(JSON.stringify({ hash: r.bundle.hash, errors: bad.messages.length, base: typeof RulersError }));`,
    );
    const cli = run("npx", ["--no-install", "rulers", "hash", join(root, "examples/asap-essay.rubric")]);
    const api = JSON.parse(run("node", ["use.mjs"]));
    expect(cli).toContain(api.hash);
    expect(api.errors).toBeGreaterThan(0);
    expect(api.base).toBe("function");
  });
});
