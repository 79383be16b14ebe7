/**
 * Compiling from code: a source (text or file) and, for a per-item rubric, its rows, to a bundle
 * plus every diagnostic. Nothing is written; `writeBundle` does that when a caller wants a file.
 */
import { buildBundle } from "../bundle/build.js";
import type { Bundle } from "../bundle/types.js";

export { writeBundle } from "../bundle/file.js";

import { compileFile, compileItems, compileSource } from "../compile/index.js";
import type { RubricIR } from "../compile/ir.js";
import { type Diagnostic, formatDiagnostic, hasErrors } from "../diagnostics/index.js";

export type CompileInput =
  | string
  | { readonly source: string; readonly file?: string }
  | { readonly file: string; readonly source?: undefined };

export interface CompileOptions {
  /** For a per-item rubric: the rows file whose criteria go into the bundle (and its hash). */
  readonly items?: string;
  /** Imports may not reach outside this folder (default: the project root above the file). */
  readonly importRoot?: string;
}

export interface Compiled {
  /** The bundle, or null when there are errors (or the source is a `part`). */
  readonly bundle: Bundle | null;
  readonly ir: RubricIR | null;
  /** Errors and warnings, in source order. */
  readonly diagnostics: readonly Diagnostic[];
  /** For a `part` source: the hash rubrics pin it by. */
  readonly partHash: string | null;
  /** `file:line:col: error[code]: message` with the source line and a caret, one per diagnostic. */
  readonly messages: readonly string[];
  /** Each file read (the source and its imports) by name, for showing diagnostics in context. */
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * Compile a rubric. A string is taken as source text; `{file}` reads a file (imports resolve
 * relative to it); `{source, file}` compiles text as if it were that file.
 */
export function compile(input: CompileInput, opts: CompileOptions = {}): Compiled {
  const o = opts.importRoot !== undefined ? { importRoot: opts.importRoot } : {};
  const r =
    typeof input === "string"
      ? compileSource(input, undefined, o)
      : input.source !== undefined
        ? compileSource(input.source, input.file, o)
        : compileFile(input.file, o);
  let diagnostics: Diagnostic[] = r.diagnostics;
  let items = null;
  if (r.ir && opts.items !== undefined) {
    const c = compileItems(r.ir, opts.items);
    diagnostics = [...diagnostics, ...c.diagnostics];
    items = c.items;
  }
  const bundle = r.ir && !hasErrors(diagnostics) ? buildBundle(r.ir, items) : null;
  const messages = diagnostics.map((d) =>
    formatDiagnostic(d, d.file !== undefined ? r.sources.get(d.file) : undefined),
  );
  return { bundle, ir: bundle ? r.ir : null, diagnostics, partHash: r.partHash, messages, sources: r.sources };
}
