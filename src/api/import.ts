/**
 * Rubrics in other formats turned into .rubric sources, as `rulers import` does. Whatever the
 * rubric language cannot express comes back as a warning naming the row or place in the input;
 * a bad row is an error and is skipped, the others still import. Every source returned compiles.
 */
import { compileSource } from "../compile/index.js";
import {
  ImportError,
  type ImportResult,
  importHealthbench,
  importJudgePrompt,
  importPrometheus,
  importPromptfoo,
} from "../import/index.js";

export { ImportError, type ImportResult };

const IMPORTERS: Record<ImportFormat, typeof importHealthbench> = {
  healthbench: importHealthbench,
  prometheus: importPrometheus,
  "judge-prompt": importJudgePrompt,
  promptfoo: importPromptfoo,
};

/** The formats `importRubrics` reads. */
export type ImportFormat = "healthbench" | "prometheus" | "judge-prompt" | "promptfoo";
export const IMPORT_FORMATS = Object.keys(IMPORTERS) as ImportFormat[];

/**
 * Import `text` in `format`. `name` (the input's file name without extension) names the sources
 * of formats that carry no name; `prefix` goes before every rubric id. An input that cannot be
 * read at all is an `ImportError`.
 */
export function importRubrics(
  format: ImportFormat,
  text: string,
  opts: { readonly prefix?: string; readonly name?: string } = {},
): ImportResult {
  const prefix = opts.prefix ? (opts.prefix.endsWith(".") ? opts.prefix : `${opts.prefix}.`) : "";
  const result = IMPORTERS[format](text, { prefix, ...(opts.name !== undefined ? { name: opts.name } : {}) });
  for (const r of result.rubrics) {
    // Every imported source must compile; anything else is a bug in the importer.
    const check = compileSource(r.source, r.name, {
      readImport: () => {
        throw new Error("imports are not generated");
      },
    });
    if (!check.ir) throw new Error(`imported ${r.name} does not compile: ${check.diagnostics[0]?.message}`);
  }
  return result;
}
