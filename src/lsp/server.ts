/**
 * `rulers lsp`: a Language Server Protocol server over any pair of streams (stdio in the CLI).
 * Every open document is compiled on each change, after a short debounce; requests that arrive
 * before that use a fresh compile of the current text. Imports are read from open documents
 * first, so an unsaved edit to a part is seen by the rubrics that import it. No request handler
 * lets an exception out: garbage input gets an empty answer and a log line, never a crash.
 */
import { readFileSync, statSync } from "node:fs";
import {
  type CodeAction,
  CodeActionKind,
  type Connection,
  type InitializeResult,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { MAX_SOURCE_CHARS } from "../syntax/index.js";
import { Analysis, uriToPath } from "./analysis.js";
import { complete } from "./completion.js";
import { lspDiagnostics } from "./diagnostics.js";
import type { Fix } from "./fixes.js";
import { formatEdits } from "./format.js";
import { hover } from "./hover.js";
import { definition, references } from "./navigation.js";
import { outline } from "./outline.js";
import { LEGEND, semanticTokens } from "./semantic-tokens.js";

export interface ServerOptions {
  /** Milliseconds between the last edit and the compile that publishes diagnostics. */
  readonly debounceMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 20;

interface DocState {
  analysis?: Analysis;
  timer?: NodeJS.Timeout;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const state = new Map<string, DocState>();
  let debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;

  const openByPath = (path: string): TextDocument | undefined => {
    for (const d of documents.all()) if (uriToPath(d.uri) === path) return d;
    return undefined;
  };
  const readImport = (path: string): string => {
    const open = openByPath(path);
    if (open) return open.getText();
    // `import "/dev/stdin"` must not read the protocol stream, nor a device block the server.
    if (!statSync(path).isFile()) throw new Error("not a regular file");
    const text = readFileSync(path, "utf8");
    if (text.length > MAX_SOURCE_CHARS) throw new Error(`file is over the limit of ${MAX_SOURCE_CHARS} characters`);
    return text;
  };

  /** The analysis of the document's current version, computed now if the debounce has not run. */
  const analysisOf = (uri: string, fresh = false): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const s = state.get(uri) ?? {};
    state.set(uri, s);
    if (fresh || s.analysis?.doc.version !== doc.version)
      s.analysis = new Analysis(doc, uriToPath(uri), readImport, s.analysis);
    return s.analysis;
  };

  /** `fresh`: recompile even if the text did not change (a file it imports did). */
  const validate = (uri: string, fresh = false): void => {
    const s = state.get(uri);
    if (s?.timer) clearTimeout(s.timer);
    if (s) delete s.timer;
    try {
      const a = analysisOf(uri, fresh);
      if (!a) return;
      void connection.sendDiagnostics({ uri, version: a.doc.version, diagnostics: lspDiagnostics(a) });
    } catch (err) {
      connection.console.error(`rulers: checking ${uri} failed: ${(err as Error).stack ?? err}`);
    }
  };

  /** Open documents that import `path` (directly or through other parts) are rechecked too. */
  const dependents = (path: string | undefined): string[] => {
    if (path === undefined) return [];
    const out: string[] = [];
    for (const [uri, s] of state) {
      const a = s.analysis;
      if (!a || uriToPath(uri) === path) continue;
      if (a.dependencies().includes(path) || a.symbols.imports.some((i) => i.path === path)) out.push(uri);
    }
    return out;
  };

  const schedule = (uri: string, fresh = false): void => {
    const s = state.get(uri) ?? {};
    state.set(uri, s);
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      validate(uri, fresh);
      for (const d of dependents(uriToPath(uri))) validate(d, true);
    }, debounceMs);
  };

  /** Runs a request handler; a failure is logged and answered with `fallback`. */
  const guard =
    <P, R>(name: string, fallback: R, fn: (p: P) => R) =>
    (p: P): R => {
      try {
        return fn(p);
      } catch (err) {
        connection.console.error(`rulers: ${name} failed: ${(err as Error).stack ?? err}`);
        return fallback;
      }
    };

  connection.onInitialize((params): InitializeResult => {
    const init = params.initializationOptions as { debounceMs?: unknown } | undefined;
    if (typeof init?.debounceMs === "number" && init.debounceMs >= 0) debounceMs = init.debounceMs;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [" "] },
        definitionProvider: true,
        referencesProvider: true,
        documentFormattingProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        semanticTokensProvider: { legend: LEGEND, full: true },
      },
      serverInfo: { name: "rulers", version: "0.1.0" },
    };
  });

  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    const s = state.get(e.document.uri);
    if (s?.timer) clearTimeout(s.timer);
    state.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    for (const d of dependents(uriToPath(e.document.uri))) schedule(d, true);
  });
  connection.onDidChangeWatchedFiles(() => {
    for (const uri of state.keys()) schedule(uri, true);
  });

  const at = (uri: string, position: { line: number; character: number }) => {
    const a = analysisOf(uri);
    return a ? { a, offset: a.doc.offsetAt(position) } : undefined;
  };

  connection.onHover(
    guard("hover", null, (p) => {
      const x = at(p.textDocument.uri, p.position);
      return x ? hover(x.a, x.offset) : null;
    }),
  );
  connection.onCompletion(
    guard("completion", [], (p) => {
      const x = at(p.textDocument.uri, p.position);
      return x ? complete(x.a, x.offset) : [];
    }),
  );
  connection.onDefinition(
    guard("definition", null, (p) => {
      const x = at(p.textDocument.uri, p.position);
      return x ? definition(x.a, p.textDocument.uri, x.offset) : null;
    }),
  );
  connection.onReferences(
    guard("references", [], (p) => {
      const x = at(p.textDocument.uri, p.position);
      return x ? references(x.a, p.textDocument.uri, x.offset, p.context.includeDeclaration) : [];
    }),
  );
  connection.onDocumentFormatting(
    guard("formatting", null, (p) => {
      const a = analysisOf(p.textDocument.uri);
      return a ? formatEdits(a) : null;
    }),
  );
  connection.onDocumentSymbol(
    guard("document symbols", [], (p) => {
      const a = analysisOf(p.textDocument.uri);
      return a ? outline(a) : [];
    }),
  );
  connection.languages.semanticTokens.on(
    guard("semantic tokens", { data: [] }, (p) => {
      const a = analysisOf(p.textDocument.uri);
      return a ? semanticTokens(a) : { data: [] };
    }),
  );
  connection.onCodeAction(
    guard("code actions", [], (p) => {
      const actions: CodeAction[] = [];
      const doc = documents.get(p.textDocument.uri);
      if (!doc) return actions;
      for (const d of p.context.diagnostics) {
        const fix = (d.data as { fix?: Fix } | undefined)?.fix;
        if (!fix || typeof fix.newText !== "string") continue;
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: {
            changes: {
              [p.textDocument.uri]: [
                { range: { start: doc.positionAt(fix.start), end: doc.positionAt(fix.end) }, newText: fix.newText },
              ],
            },
          },
        });
      }
      return actions;
    }),
  );

  documents.listen(connection);
  connection.listen();
}
