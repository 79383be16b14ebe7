/**
 * `rulers --help` and every command's `--help`. The options a command accepts are read from its own
 * flag parser: parseFlags is wrapped to record the option table each command hands it, so a flag
 * added to a command without a word in its help (or a help line for a flag that is gone) fails here.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import type * as Io from "../../src/cli/io.js";
import { runCli } from "../helpers/cli.js";

type Options = Parameters<typeof Io.parseFlags>[1];
const seen = vi.hoisted(() => [] as { options: Options; help: string }[]);
vi.mock("../../src/cli/io.js", async (importOriginal) => {
  const io = await importOriginal<typeof Io>();
  return {
    ...io,
    parseFlags: (argv: string[], options: Options, help: string) => {
      seen.push({ options, help });
      return io.parseFlags(argv, options, help);
    },
  };
});

/** The command list as `rulers --help` prints it. */
async function listedCommands(): Promise<string[]> {
  const r = await runCli(["--help"]);
  expect(r.code).toBe(0);
  return [...r.stdout.matchAll(/^ {2}([a-z]+) +\S/gm)].map((m) => m[1]!);
}

/** The flag parser a command reaches on `--help`: directly, or through each subcommand its usage names. */
async function parsersOf(command: string): Promise<{ args: string[]; options: Options; help: string }[]> {
  seen.length = 0;
  const top = await runCli([command, "--help"]);
  expect(top.code).toBe(0);
  expect(top.stdout).toMatch(new RegExp(`usage: rulers ${command}\\b`));
  if (seen.length) return [{ args: [command], ...seen[0]! }];
  const subs = [...new Set([...top.stdout.matchAll(new RegExp(`rulers ${command} ([a-z]+)`, "g"))].map((m) => m[1]!))];
  expect(subs.length).toBeGreaterThan(0);
  const out = [];
  for (const sub of subs) {
    seen.length = 0;
    const r = await runCli([command, sub, "--help"]);
    expect(r.code).toBe(0);
    expect(seen.length).toBe(1);
    out.push({ args: [command, sub], ...seen[0]! });
  }
  return out;
}

/**
 * The flags a help text offers. A flag inside a code span that runs another command
 * (`rulers drift --json`) belongs to that command, not this one.
 */
function flagsIn(help: string, command: string): Set<string> {
  const own = help.replace(/`rulers ([a-z]+)[^`]*`/g, (span, name: string) => (name === command ? span : ""));
  return new Set([...own.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
}

describe("rulers --help", () => {
  it("lists every command, one per file under src/cli/commands/", async () => {
    const files = readdirSync("src/cli/commands")
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.slice(0, -3))
      .sort();
    expect([...(await listedCommands())].sort()).toEqual(files);
  });

  it("lists exactly the options each command accepts, and each short alias", async () => {
    const problems: string[] = [];
    for (const command of await listedCommands()) {
      for (const p of await parsersOf(command)) {
        const accepted = new Set(Object.keys(p.options));
        const listed = flagsIn(p.help, command);
        const where = `rulers ${p.args.join(" ")} --help`;
        for (const o of accepted) if (!listed.has(o)) problems.push(`${where}: accepts --${o} but does not list it`);
        for (const o of listed) if (!accepted.has(o)) problems.push(`${where}: lists --${o}, which it does not accept`);
        for (const [o, spec] of Object.entries(p.options))
          if (spec.short && !new RegExp(`(?<![\\w-])-${spec.short}\\b`).test(p.help))
            problems.push(`${where}: accepts -${spec.short} (--${o}) but does not list it`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("finds the flag parser of every command, subcommands included", async () => {
    expect((await parsersOf("batch")).map((p) => p.args.join(" "))).toEqual([
      "batch prepare",
      "batch ingest",
      "batch submit",
      "batch status",
      "batch collect",
    ]);
    expect(Object.keys((await parsersOf("fmt"))[0]!.options)).toEqual(["check"]);
  });

  it("reads a flag that runs another command as that command's", () => {
    expect([...flagsIn("save `rulers drift --json` output; --out FILE", "report")]).toEqual(["out"]);
    expect([...flagsIn("see `rulers report --out x`", "report")]).toEqual(["out"]);
  });
});
