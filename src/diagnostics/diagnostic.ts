/**
 * One shape for every problem any stage reports. Offsets are stored; line and column are
 * computed only when a diagnostic is printed, so stages never have to agree on a line table.
 */
import { RulersError } from "../util/errors.js";
export type Severity = "error" | "warning";

/** Half-open character range [start, end) in one source file. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Diagnostic {
  /** Stable, kebab-case code; listed in grammar/diagnostics.md. */
  readonly code: string;
  readonly severity: Severity;
  /** Lower-case, one line, user input in backticks: what is wrong, then how to fix it. */
  readonly message: string;
  /** File the span refers to (as the user named it); absent for problems with no source. */
  readonly file?: string;
  readonly span?: Span;
}

export function error(code: string, message: string, span?: Span, file?: string): Diagnostic {
  return { code, severity: "error", message, ...(span ? { span } : {}), ...(file !== undefined ? { file } : {}) };
}

export function warning(code: string, message: string, span?: Span, file?: string): Diagnostic {
  return { code, severity: "warning", message, ...(span ? { span } : {}), ...(file !== undefined ? { file } : {}) };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Thrown by stages that cannot go on; carries the diagnostics that explain why. */
export class DiagnosticError extends RulersError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("; "), { code: "diagnostics" });
    this.name = "DiagnosticError";
    this.diagnostics = diagnostics;
  }
}
