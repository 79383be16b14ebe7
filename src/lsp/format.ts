/** Formatting is `rulers fmt`: the same printer, and never on a source that does not parse. */
import type { TextEdit } from "vscode-languageserver";
import { hasErrors } from "../diagnostics/index.js";
import { parseRubric, printRubric } from "../syntax/index.js";
import type { Analysis } from "./analysis.js";

/** Null when the source has syntax errors: recovery may have dropped text a rewrite would lose. */
export function formatEdits(a: Analysis): TextEdit[] | null {
  const parsed = parseRubric(a.text, a.path);
  if (!parsed.ast || hasErrors(parsed.diagnostics)) return null;
  const formatted = printRubric(parsed.ast);
  if (formatted === a.text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: a.doc.positionAt(a.text.length) }, newText: formatted }];
}
