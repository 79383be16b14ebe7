import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const out = join(dir, "bundles");
const lock = join(dir, "rulers.lock");

describe("rulers compile → lock → verify", () => {
  it("compiles the examples into <out>/<id>/<version>/bundle.json and prints JSON", async () => {
    const r = await runCli([
      "compile",
      "examples/asap-essay.rubric",
      "examples/health-answer.rubric",
      "--out",
      out,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; version: string; hash: string; path: string }[];
    expect(list.map((b) => `${b.id}@${b.version}`)).toEqual([
      "asap.persuasive-essay@1.0.0",
      "health.answer-quality@1.0.0",
    ]);
    expect(list[0]!.path).toBe(join(out, "asap.persuasive-essay", "1.0.0", "bundle.json"));
    expect(list[0]!.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("compiles a per-item template with its rows, covering every item by the hash", async () => {
    const r = await runCli([
      "compile",
      "examples/health-per-item.rubric",
      "--items",
      "examples/health-per-item.jsonl",
      "--out",
      out,
      "--json",
    ]);
    expect(r.code).toBe(0);
    const [b] = JSON.parse(r.stdout) as { path: string }[];
    const bundle = JSON.parse(readFileSync(b!.path, "utf8"));
    expect(Object.keys(bundle.body.items)).toHaveLength(10);
  });

  it("locks and verifies, then fails verify on an altered bundle", async () => {
    expect((await runCli(["lock", out, "--out", lock])).code).toBe(0);
    const ok = await runCli(["verify", "--lock", lock]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok: 3 bundles verified/);

    const path = join(out, "asap.persuasive-essay", "1.0.0", "bundle.json");
    const original = readFileSync(path, "utf8");
    writeFileSync(path, original.replace('"weight": 2', '"weight": 3'));
    const bad = await runCli(["verify", "--lock", lock, "--json"]);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p: { kind: string }) => p.kind)).toEqual(["altered"]);
    writeFileSync(path, original);
  });

  it("signs bundles and verifies the signatures", async () => {
    const prefix = join(dir, "team");
    expect((await runCli(["sign", "--generate-key", prefix])).code).toBe(0);
    expect((await runCli(["sign", "--key", `${prefix}.key.pem`, out])).code).toBe(0);
    expect((await runCli(["verify", out, "--public-key", `${prefix}.pub.pem`])).code).toBe(0);
    const other = join(dir, "other");
    await runCli(["sign", "--generate-key", other]);
    const wrong = await runCli(["verify", out, "--public-key", `${other}.pub.pem`]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/bad-signature/);
  });
});

describe("bad input", () => {
  it("prints file:line:col, the line and a caret, and exits 1", async () => {
    const src = join(dir, "bad.rubric");
    writeFileSync(
      src,
      'rubric bad version 1.0.0\ninput response "r", quotable\nscale 1 to 5\ncriterion c "C"\n  binary\n  weight heavy\nend\n',
    );
    const r = await runCli(["compile", src, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${src}:6:10: error[weight-not-number]`);
    expect(r.stderr).toContain("6 |   weight heavy");
    expect(r.stderr).toContain("  |          ^^^^^");
  });

  it("reports an unreadable file and a directory clearly", async () => {
    const missing = await runCli(["compile", join(dir, "nope.rubric")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.rubric.*no such file/);
    const directory = await runCli(["compile", dir]);
    expect(directory.stderr).toMatch(/it is a directory/);
  });

  it("names the row of a bad per-item row", async () => {
    const rows = join(dir, "rows.jsonl");
    writeFileSync(
      rows,
      '{"id":"a","rubrics":[{"criterion":"x","points":1}]}\n{"id":"b","rubrics":[{"criterion":"y","points":"five"}]}\nnot json\n',
    );
    const r = await runCli(["compile", "examples/health-per-item.rubric", "--items", rows, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row 2: `rubrics\[0\]`\.points must be a number/);
    expect(r.stderr).toMatch(/row 3: not valid JSON/);
  });

  it("rejects unknown flags and commands with exit 1", async () => {
    expect((await runCli(["compile", "--bogus"])).code).toBe(1);
    expect((await runCli(["frobnicate"])).code).toBe(1);
  });
});

describe("rulers fmt", () => {
  it("formats in place, and --check reports unformatted files", async () => {
    const src = join(dir, "messy.rubric");
    cpSync("examples/mt-bench-judge.rubric", src);
    writeFileSync(src, readFileSync(src, "utf8").replace(/\n\n/g, "\n\n\n").replace(/^ {2}/gm, "      "));
    const check = await runCli(["fmt", "--check", src]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("not formatted");
    expect((await runCli(["fmt", src])).code).toBe(0);
    expect(readFileSync(src, "utf8")).toBe(readFileSync("examples/mt-bench-judge.rubric", "utf8"));
  });
});
