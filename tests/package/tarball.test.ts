/**
 * The package as users get it: `npm pack`, install the tarball into an empty project (its
 * dependencies come from the registry, dev dependencies never), then use the CLI and the library
 * from there. This is the only test that sees what `files`, `exports` and `bin` really ship.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAI, startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "rulers-pack-"));
const project = join(dir, "project");
let judgeServer: FakeOpenAI;
const run = (cmd: string, args: string[], cwd = project) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "" },
  });

beforeAll(async () => {
  judgeServer = await startFakeOpenAI((r) => ({ json: answerFor(r.body) }));
  run("npm", ["pack", "--silent", "--pack-destination", dir], root);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  run("mkdir", ["-p", project], dir);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-rulers", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, tarball)]);
}, 240_000);

afterAll(async () => {
  await judgeServer?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

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

  it("judges two rows through the library against a local judge", async () => {
    writeFileSync(
      join(project, "judge.mjs"),
      `import { judge, loadBundle } from "rulers";
       const bundle = loadBundle(${JSON.stringify(join(root, "bundles/asap.persuasive-essay/1.0.0/bundle.json"))});
       const rows = [
         { id: "a", prompt: "Argue.", essay: "Libraries should keep every book." },
         { id: "b", prompt: "Argue.", essay: "Censorship harms readers." },
       ];
       const out = [];
       const run = judge(bundle, rows, { model: "m", baseURL: process.argv[2], apiKey: "k", onWarning: () => {} });
       for await (const r of run) out.push({ id: r.item_id, score: r.raw_score, hash: r.bundle.hash, error: r.error ?? null });
       console.log(JSON.stringify(out));`,
    );
    const { execFile } = await import("node:child_process");
    const stdout = await new Promise<string>((res, rej) =>
      execFile("node", ["judge.mjs", judgeServer.baseURL], { cwd: project }, (err, out) => (err ? rej(err) : res(out))),
    );
    const records = JSON.parse(stdout);
    expect(records.map((r: { id: string }) => r.id)).toEqual(["a", "b"]);
    for (const r of records) {
      expect(r.error).toBeNull();
      expect(typeof r.score).toBe("number");
      expect(r.hash).toMatch(/^sha256:/);
    }
  });

  it("runs README's library example as written, against a local judge", async () => {
    // The example as README shows it: the first ts block under "As a library".
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### As a library"));
    const example = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    expect(example.split("\n").length).toBeLessThanOrEqual(20);
    // What it names: a rubric source, the lock, and the bundles the lock points at.
    cpSync(join(root, "examples/asap-essay.rubric"), join(project, "rubric.rubric"));
    cpSync(join(root, "rulers.lock"), join(project, "rulers.lock"));
    cpSync(join(root, "bundles"), join(project, "bundles"), { recursive: true });
    writeFileSync(join(project, "readme.mjs"), example);
    const { execFile } = await import("node:child_process");
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((res, rej) =>
      execFile(
        "node",
        ["readme.mjs"],
        { cwd: project, env: { ...process.env, OPENAI_BASE_URL: judgeServer.baseURL, OPENAI_API_KEY: "k" } },
        (err, out, errOut) => (err ? rej(err) : res({ stdout: out, stderr: errOut })),
      ),
    );
    expect(stderr).not.toMatch(/error/i);
    expect(stdout).toMatch(/^e1 \d+(\.\d+)? $/m);
    expect(stdout).toMatch(/items/);
  });
});
