import { type ParseArgsConfig, parseArgs } from "node:util";
import { redactUrls } from "../util/redact.js";
import { escapeControls } from "../util/terminal.js";

type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** An expected failure (bad flag, unreadable file): printed as one line, never as a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** stderr is read by people: messages quote user text, so control characters are escaped. */
export function writeErr(line: string): void {
  const shown = escapeControls(redactUrls(line));
  process.stderr.write(shown.endsWith("\n") ? shown : `${shown}\n`);
}

export function writeOut(line: string): void {
  process.stdout.write(line.endsWith("\n") ? line : `${line}\n`);
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs with its exceptions turned into one-line usage errors. */
export function parseFlags<O extends Options>(argv: string[], options: O, help: string): Parsed<O> {
  if (argv.includes("--help") || argv.includes("-h")) {
    writeOut(help);
    throw new CliError("", 0);
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message.replace(/\.$/, "")}\n${help}`);
  }
}

/** Parse a numeric flag, naming the flag in the error. */
export function numberFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  opts: { integer?: boolean; min?: number } = {},
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw new CliError(
      `\`--${flag}\` must be ${opts.integer ? "an integer" : "a number"}${opts.min !== undefined ? ` ≥ ${opts.min}` : ""}, got \`${value}\``,
    );
  }
  return n;
}
