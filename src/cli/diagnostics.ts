import { type Diagnostic, formatDiagnostic } from "../diagnostics/index.js";
import { writeErr } from "./io.js";

/** Print diagnostics with their source lines; `sources` maps file names to text. */
export function printDiagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): void {
  for (const d of diagnostics) writeErr(formatDiagnostic(d, d.file !== undefined ? sources.get(d.file) : undefined));
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}
