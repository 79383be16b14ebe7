/**
 * The `rulers` command: a thin dispatcher. Each command lives in its own file under commands/
 * and is loaded on demand, so `rulers fmt` never pays for the judge's dependencies.
 */
import { CliError, writeErr } from "./io.js";

export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  compile: () => import("./commands/compile.js"),
  fmt: () => import("./commands/fmt.js"),
  hash: () => import("./commands/hash.js"),
  lock: () => import("./commands/lock.js"),
  verify: () => import("./commands/verify.js"),
  sign: () => import("./commands/sign.js"),
  judge: () => import("./commands/judge.js"),
  calibrate: () => import("./commands/calibrate.js"),
  apply: () => import("./commands/apply.js"),
  agree: () => import("./commands/agree.js"),
  diff: () => import("./commands/diff.js"),
  drift: () => import("./commands/drift.js"),
  import: () => import("./commands/import.js"),
  batch: () => import("./commands/batch.js"),
  merge: () => import("./commands/merge.js"),
  report: () => import("./commands/report.js"),
};

function usage(): string {
  return [
    "usage: rulers <command> [options]",
    "",
    "commands:",
    ...Object.keys(COMMANDS).map((name) => `  ${name}`),
    "",
    "run `rulers <command> --help` for a command's options",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? 1 : 0;
  }
  if (name === "--version") {
    process.stdout.write("rulers 0.1.0\n");
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    writeErr(`rulers: unknown command \`${name}\`; run \`rulers --help\` for the list`);
    return 1;
  }
  const { command } = await load();
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      if (err.exitCode === 0 && err.message === "") return 0;
      writeErr(`rulers ${name}: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}
