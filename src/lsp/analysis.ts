/**
 * One document's view through the compiler: the compile result (diagnostics, AST, IR) on every
 * edit, and, only when a request needs them, its tokens and symbol index. The IR of the last
 * version that compiled is kept, so hovers can still give weight shares while the text is broken.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import { type CompileResult, compileSource, type ImportReader } from "../compile/index.js";
import type { RubricIR } from "../compile/ir.js";
import type { RubricFile } from "../syntax/ast.js";
import { type LexedSource, lexRubric, parseRubric } from "../syntax/index.js";
import { indexSymbols, type SymbolIndex } from "./symbols.js";

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export const pathToUri = (path: string): string => pathToFileURL(path).href;

export interface PartView {
  readonly text: string;
  readonly doc: TextDocument;
  readonly ast: RubricFile | null;
}

export class Analysis {
  readonly result: CompileResult;
  /** This version's IR, or the last good one (see `irIsCurrent`). */
  readonly ir: RubricIR | null;
  readonly irIsCurrent: boolean;
  private lexedCache: LexedSource | undefined;
  private symbolsCache: SymbolIndex | undefined;
  private partsCache: Map<string, PartView> | undefined;

  /** A snapshot: the editor's document object is updated in place, this one never changes. */
  readonly doc: TextDocument;

  constructor(
    live: TextDocument,
    readonly path: string | undefined,
    readImport: ImportReader,
    previous?: Analysis,
  ) {
    this.doc = TextDocument.create(live.uri, live.languageId, live.version, live.getText());
    this.result = compileSource(this.doc.getText(), path, { readImport });
    this.irIsCurrent = this.result.ir !== null;
    this.ir = this.result.ir ?? previous?.ir ?? null;
  }

  get text(): string {
    return this.doc.getText();
  }

  get lexed(): LexedSource {
    this.lexedCache ??= lexRubric(this.text);
    return this.lexedCache;
  }

  /** Imported files the compiler read, by absolute path. */
  get parts(): ReadonlyMap<string, PartView> {
    if (!this.partsCache) {
      this.partsCache = new Map();
      for (const [path, text] of this.result.sources) {
        if (path === (this.path ?? "<input>")) continue;
        const parsed = parseRubric(text, path);
        this.partsCache.set(path, {
          text,
          doc: TextDocument.create(pathToUri(path), "rubric", 0, text),
          ast: parsed.ast,
        });
      }
    }
    return this.partsCache;
  }

  get symbols(): SymbolIndex {
    if (!this.symbolsCache) {
      const asts = new Map<string, RubricFile>();
      for (const [p, v] of this.parts) if (v.ast) asts.set(p, v.ast);
      this.symbolsCache = indexSymbols(this.result.ast, this.path, asts);
    }
    return this.symbolsCache;
  }

  /** Absolute paths of every file this document's meaning depends on (itself excluded). */
  dependencies(): string[] {
    return [...this.result.sources.keys()].filter((p) => p !== (this.path ?? "<input>"));
  }
}
