/** Issue 13 item 4: imports stay in the project, read regular files only, and never hang. */
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileFile } from "../../src/compile/index.js";
import { ReadCappedError, readCappedBytes } from "../../src/util/read-capped.js";
import { tempDir } from "../bundle/fixtures.js";
import { runCli } from "../helpers/cli.js";

const { dir, cleanup } = tempDir("rulers-imports-");
afterAll(cleanup);

const project = join(dir, "project");
const outside = join(dir, "outside");
mkdirSync(join(project, "parts"), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(join(project, "rulers.lock"), '{"format":"rulers-lock/1","rubrics":{}}\n');
const part = 'part t.safety version 1.0.0\ncriterion safe "Safe"\n  binary\nend\n';
writeFileSync(join(outside, "secret.rubric"), part);
writeFileSync(join(project, "parts", "safety.rubric"), part);

function rubricImporting(path: string): string {
  const file = join(project, `r${Math.random().toString(36).slice(2)}.rubric`);
  writeFileSync(
    file,
    `rubric t.x version 1.0.0\ninput response "the answer", quotable\nscale 1 to 5\nimport "${path}"\ncriterion c "C"\n  binary\nend\n`,
  );
  return file;
}

const codes = (file: string, opts = {}) => compileFile(file, opts).diagnostics.map((d) => d.code);

describe("import confinement", () => {
  it("refuses an absolute import outside the project without reading it", () => {
    const r = compileFile(rubricImporting("/etc/passwd"));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["import-outside-root"]);
    // nothing of the file reached the diagnostics' sources
    expect([...r.sources.keys()].some((k) => k.includes("passwd"))).toBe(false);
  });

  it("refuses ../ and symlinks that leave the project", () => {
    expect(codes(rubricImporting("../outside/secret.rubric"))).toEqual(["import-outside-root"]);
    symlinkSync(join(outside, "secret.rubric"), join(project, "parts", "link.rubric"));
    expect(codes(rubricImporting("parts/link.rubric"))).toEqual(["import-outside-root"]);
  });

  it("resolves imports inside the project as before (unpinned is the only complaint)", () => {
    expect(codes(rubricImporting("parts/safety.rubric"))).toEqual(["import-unpinned"]);
  });

  it("lets --import-root widen the folder on request", async () => {
    const file = rubricImporting("../outside/secret.rubric");
    expect(codes(file, { importRoot: dir })).toEqual(["import-unpinned"]);
    const cli = await runCli(["compile", file, "--check", "--import-root", dir]);
    expect(cli.stderr).toMatch(/import-unpinned/);
    expect(cli.stderr).not.toMatch(/import-outside-root/);
  });
});

describe("files that are not regular files", () => {
  it("refuses devices promptly, as the compiled file and as an import", async () => {
    const r = await runCli(["compile", "/dev/zero", "--check"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read `\/dev\/zero`: it is a device, not a regular file/);
    expect(codes(rubricImporting("/dev/urandom"), { importRoot: "/" })).toEqual(["import-not-found"]);
  });

  it("refuses a named pipe without waiting for a writer", () => {
    const fifo = join(project, "parts", "pipe.rubric");
    execFileSync("mkfifo", [fifo]);
    const r = compileFile(rubricImporting("parts/pipe.rubric"));
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "cannot read import `parts/pipe.rubric` (it is a named pipe, not a regular file); the path is relative to the importing file",
    ]);
    expect(compileFile(fifo).diagnostics[0]!.message).toMatch(/it is a named pipe/);
  });

  it("stops reading at the byte cap even when the size on disk says less", () => {
    let caught: unknown;
    try {
      readCappedBytes("/dev/zero", 1000);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ReadCappedError);
    const big = join(dir, "big.txt");
    writeFileSync(big, "x".repeat(2001));
    expect(() => readCappedBytes(big, 2000)).toThrow(/2001 bytes, over the limit of 2000/);
    expect(readCappedBytes(big, 2001).length).toBe(2001);
  });
});

describe("invalid UTF-8", () => {
  it("is a diagnostic pointing at the bad byte", () => {
    const file = join(project, "latin1.rubric");
    const text = 'rubric t.x version 1.0.0\ninput response "caf\u00e9", quotable\n';
    const bytes = Buffer.from(text, "latin1");
    writeFileSync(file, bytes);
    const r = compileFile(file);
    expect(r.diagnostics.map((d) => [d.code, d.span?.start])).toEqual([["invalid-utf8", text.indexOf("\u00e9")]]);
  });
});
