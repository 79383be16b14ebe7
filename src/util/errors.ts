/**
 * One error hierarchy for everything rulers refuses: each error carries a stable `code` a
 * caller can branch on (the message is for people and may change). The CLI prints any
 * RulersError as one line and exits with its `exitCode`; anything else is an internal error.
 */
export class RulersError extends Error {
  /** Stable, machine-readable: `bundle`, `lock`, `data`, `usage`, … */
  readonly code: string = "error";
  /** The exit status the CLI uses for it. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { code?: string; exitCode?: number; cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    if (options?.code !== undefined) this.code = options.code;
    if (options?.exitCode !== undefined) this.exitCode = options.exitCode;
  }
}

export function isRulersError(err: unknown): err is RulersError {
  return err instanceof RulersError;
}

/**
 * The errno code (`ENOENT`, `ENOSPC`, …) of a system error, or undefined. RulersError's own
 * `code` (lower-case words) is never mistaken for one.
 */
export function errnoOf(err: unknown): string | undefined {
  if (err instanceof RulersError) return undefined;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}
