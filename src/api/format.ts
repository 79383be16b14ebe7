/**
 * Formatting a rubric source canonically, as `rulers fmt` does (comments kept). Formatting never
 * changes meaning, so it never changes a bundle hash.
 */
import { type Diagnostic, hasErrors } from "../diagnostics/index.js";
import { parseRubric, printRubric } from "../syntax/index.js";

export interface Formatted {
  /** The canonical text, or null when the source has syntax errors (never formatted then). */
  readonly text: string | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** The canonical layout of `source`; `file` names it in diagnostics. */
export function format(source: string, file?: string): Formatted {
  const parsed = parseRubric(source, file);
  // Never format what did not parse cleanly: error recovery may have dropped text.
  if (!parsed.ast || hasErrors(parsed.diagnostics)) return { text: null, diagnostics: parsed.diagnostics };
  return { text: printRubric(parsed.ast), diagnostics: parsed.diagnostics };
}
