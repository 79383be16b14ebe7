import { type ParseArgsConfig, parseArgs } from "node:util";
import { RulersError } from "../util/errors.js";
import { redactUrls } from "../util/redact.js";
import { escapeControls } from "../util/terminal.js";

type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** An expected failure (bad flag, unreadable file): printed as one line, never as a stack. */
export class CliError extends RulersError {
  constructor(message: string, exitCode = 1) {
    super(message, { code: "usage", exitCode });
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

const SYSTEM_REASONS: Record<string, string> = {
  ENOTDIR: "part of the path is a file, not a folder",
  ENAMETOOLONG: "a name in the path is too long (the limit is usually 255 bytes); use a shorter id or another --out",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EISDIR: "it is a folder",
  EEXIST: "it already exists",
  ENOENT: "no such file or folder",
  EMFILE: "too many open files",
};

/**
 * A failed file-system call (it has `code` and `syscall`) as one line naming the path and what
 * to do, or null for any other error. Such failures are the user's environment, not a bug, so
 * they never print a stack.
 */
export function systemErrorMessage(err: unknown): string | null {
  if (err === null || typeof err !== "object") return null;
  const { code, syscall, path } = err as { code?: unknown; syscall?: unknown; path?: unknown };
  if (typeof code !== "string" || typeof syscall !== "string") return null;
  const where = typeof path === "string" ? ` \`${path}\`` : "";
  return `cannot ${syscall}${where}: ${SYSTEM_REASONS[code] ?? code}`;
}
