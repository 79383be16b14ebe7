/**
 * Writing `.rubric` sources from other formats. Importers assemble lines; `finish` parses and
 * re-prints them, so every imported source is in the canonical layout and known to parse.
 */
import { parseRubric, printRubric, printText } from "../syntax/index.js";
import { RulersError } from "../util/errors.js";

export interface ImportWarning {
  /** Where in the input: `row 3`, `line 12`, `tests[2].assert[0]`. */
  readonly where: string;
  readonly message: string;
}

export interface ImportedRubric {
  /** File name for the source, e.g. `healthbench.rubric`. */
  readonly name: string;
  readonly source: string;
  /** Rows to write beside it (per-item formats), as JSONL lines. */
  readonly rows?: string[];
}

export interface ImportResult {
  readonly rubrics: ImportedRubric[];
  readonly warnings: ImportWarning[];
  /** Problems that kept a row from importing (other rows still import). */
  readonly errors: ImportWarning[];
}

export class ImportError extends RulersError {
  override readonly code: string = "import";
}

export function text(value: string, depth = 0): string {
  return printText(value.replace(/\r\n?/g, "\n").trim(), depth);
}

/** A name usable as an id: letters, digits, `_`, `-`, `.`; starts with a letter. */
export function slug(s: string, fallback: string): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .replace(/[_.-]+$/, "")
    .replace(/\.{2,}/g, ".")
    .slice(0, 60);
  return out || fallback;
}

export function finish(lines: string[], where: string): string {
  const src = `${lines.join("\n")}\n`;
  const parsed = parseRubric(src, where);
  if (!parsed.ast || parsed.diagnostics.length) {
    throw new ImportError(
      `internal: the source generated for ${where} does not parse (${parsed.diagnostics[0]?.message ?? "no AST"})`,
    );
  }
  return printRubric(parsed.ast);
}
