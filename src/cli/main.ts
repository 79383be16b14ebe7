/**
 * The `rulers` command: a thin dispatcher. Each command lives in its own file under commands/
 * and is loaded on demand, so `rulers fmt` never pays for the judge's dependencies.
 */
import { createRequire } from "node:module";
import { RulersError } from "../util/errors.js";
import { CliError, systemErrorMessage, writeErr } from "./io.js";

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
  estimate: () => import("./commands/estimate.js"),
  calibrate: () => import("./commands/calibrate.js"),
  apply: () => import("./commands/apply.js"),
  agree: () => import("./commands/agree.js"),
  diff: () => import("./commands/diff.js"),
  drift: () => import("./commands/drift.js"),
  probes: () => import("./commands/probes.js"),
  audit: () => import("./commands/audit.js"),
  import: () => import("./commands/import.js"),
  batch: () => import("./commands/batch.js"),
  merge: () => import("./commands/merge.js"),
  report: () => import("./commands/report.js"),
  lsp: () => import("./commands/lsp.js"),
  review: () => import("./commands/review.js"),
  serve: () => import("./commands/serve.js"),
  export: () => import("./commands/export.js"),
};

// Listed here rather than read from each module, so `rulers --help` loads nothing.
const SUMMARIES: Record<string, string> = {
  compile: "compile .rubric sources into locked, content-hashed bundles",
  fmt: "format .rubric sources canonically",
  hash: "print the hash a part is pinned by, or a rubric's bundle hash",
  lock: "pin bundles by hash in a lock file",
  verify: "check bundles against their hashes, the lock and signatures",
  sign: "sign bundles with an ed25519 key",
  judge: "judge rows with a bundle through OpenAI, Anthropic, Gemini or any OpenAI-compatible server",
  estimate: "count a run's tokens and price it before making any call",
  calibrate: "fit a calibrator from raw judge scores onto the human scale",
  apply: "add calibrated scores to a run",
  agree: "agreement with human labels, with bootstrap intervals",
  diff: "semantic diff of two rubric versions, with a risk summary",
  drift: "does a rubric edit move the judge's preferences, and where?",
  probes: "build counterfactual probe pairs (length, refusal, hedging, format, position, …)",
  audit: "a rubric's bias card from counterfactual probes",
  import: "turn rubrics in other formats into .rubric sources",
  batch: "prepare, submit, collect and ingest OpenAI / Anthropic / vLLM batches",
  merge: "join sharded runs into one",
  report: "a self-contained HTML report of a run, its calibration and drift",
  lsp: "the rubric language server for editors (LSP over stdio)",
  review: "a local web app to label items and gather the human labels calibration needs",
  serve: "serve locked bundles as a reward server for RL trainers",
  export: "write a promptfoo config or an Inspect scorer that asks what the bundle asks",
};

function usage(): string {
  return [
    "usage: rulers <command> [options]",
    "",
    "commands:",
    ...Object.keys(COMMANDS).map((name) => `  ${name.padEnd(10)} ${SUMMARIES[name] ?? ""}`),
    "",
    "run `rulers <command> --help` for a command's options",
  ].join("\n");
}

/**
 * A reader that goes away (`rulers … | head`) is not an error: stop writing and exit quietly,
 * as Unix tools do, instead of printing an EPIPE stack trace.
 */
let guarded = false;
function quietOnClosedPipe(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}

/**
 * V8's defaults suit a long-lived process; a batch command is a short one whose CPU is what
 * counts (bench/README, issue 21), so its own process runs with three changes:
 *   - eight times the tier-up budget: V8 optimizes a function once a budget of work has run in
 *     it, and at the default a 200-row `rulers judge` spent about a seventh of its CPU compiling
 *     (on a helper thread, but on this process's CPU) functions that then ran a few hundred
 *     times; the interpreter's and baseline code keep what runs briefly, and what stays hot is
 *     still optimized (a 2,000-row run got cheaper too);
 *   - young-generation collections on the main thread only: on a machine of a few cores the
 *     helper threads of a parallel scavenge cost more CPU than they save (the main thread's
 *     share did not grow), and the work is a few milliseconds a collection either way;
 *   - the young generation grows eight times (not twice) when its survivors outgrow it: a run
 *     keeps hundreds of calls in flight, whose state survives a collection or two, and a young
 *     generation sized for them is collected about half as often.
 * Only the CLI's own process is tuned, never a program that imports the library, nor the
 * servers (LONG_RUNNING), whose latency after start-up is what counts; a flag given to node
 * (in NODE_OPTIONS or on its command line, either sense) wins. Set before the command is
 * compiled, so that the code cache (command-loader.ts) is made and used under the same flags.
 */
const LONG_RUNNING = new Set(["serve", "lsp", "review"]);

const BATCH_V8_FLAGS: readonly (readonly [name: string, flag: string])[] = [
  ["interrupt-budget", `--interrupt-budget=${8 * 67_584}`],
  ["parallel-scavenge", "--no-parallel-scavenge"],
  ["semi-space-growth-factor", "--semi-space-growth-factor=8"],
];

/**
 * The batch flags to set, given node's own arguments (process.execArgv and NODE_OPTIONS): each
 * one the user did not set, in either sense (`--flag`, `--no-flag`), with dashes or underscores.
 */
export function batchV8Flags(given: readonly string[]): string[] {
  const named = new Set(
    given
      .filter((a) => a.startsWith("--"))
      .map((a) => a.slice(2).split("=")[0]!.replaceAll("_", "-").replace(/^no-/, "")),
  );
  return BATCH_V8_FLAGS.filter(([name]) => !named.has(name)).map(([, flag]) => flag);
}

function tuneV8(): void {
  const flags = batchV8Flags([...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)]);
  if (flags.length === 0) return;
  const v8 = createRequire(import.meta.url)("node:v8") as typeof import("node:v8");
  for (const flag of flags) v8.setFlagsFromString(flag);
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  // `rulers help judge` is `rulers judge --help`.
  if (argv[0] === "help" && argv[1] !== undefined) argv = [argv[1], "--help"];
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
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
  if (!LONG_RUNNING.has(name)) tuneV8();
  // Loaded here, not at the top: `rulers --help` needs neither node:vm nor node:crypto.
  const { loadCommand } = await import("./command-loader.js");
  const { command } = await loadCommand(name, load);
  try {
    return await command.run(rest);
  } catch (err) {
    // Every expected refusal is a RulersError with a stable code: one line, never a stack.
    if (err instanceof RulersError) {
      if (err instanceof CliError && err.exitCode === 0 && err.message === "") return 0;
      writeErr(`rulers ${name}: ${err.message}`);
      return err.exitCode;
    }
    const system = systemErrorMessage(err);
    if (system !== null) {
      writeErr(`rulers ${name}: ${system}`);
      return 1;
    }
    throw err;
  }
}
