import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const COMMANDS = [
  "compile",
  "fmt",
  "hash",
  "lock",
  "verify",
  "sign",
  "judge",
  "calibrate",
  "apply",
  "agree",
  "diff",
  "drift",
  "import",
  "batch",
  "merge",
  "report",
];

describe("rulers --help", () => {
  it("lists every command with what it does", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} +\\S`, "m"));
  });

  it.each(COMMANDS)("`rulers %s --help` prints usage and exits 0", async (c) => {
    const r = await runCli([c, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: rulers/);
  });
});
