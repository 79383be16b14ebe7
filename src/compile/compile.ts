/**
 * The compile stage's API: source text → IR plus every diagnostic, imports resolved and
 * checked against their pinned hashes. Never throws on bad input.
 */
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { type Diagnostic, error, hasErrors } from "../diagnostics/index.js";
import type { RubricFile } from "../syntax/ast.js";
import { MAX_SOURCE_CHARS, parseRubric } from "../syntax/parse.js";
import { errnoOf } from "../util/errors.js";
import { invalidUtf8Offset, ReadCappedError, readCappedBytes } from "../util/read-capped.js";
import { collectDeclarations, createContext, type Declarations } from "./context.js";
import type { RubricIR } from "./ir.js";
import { type ImportedPart, lowerRubric } from "./lower.js";
import { partHash } from "./part-hash.js";
import { RULES } from "./rules.js";

/** How imports find their text; tests substitute an in-memory one. */
export type ImportReader = (absolutePath: string) => string;

export interface CompileOptions {
  readonly readImport?: ImportReader;
  /** Cap on diagnostics reported per file, so one broken file cannot flood the terminal. */
  readonly maxDiagnostics?: number;
  /**
   * Imports must resolve inside this folder (after following links). Defaults to the project
   * root of the compiled file: the nearest folder above it holding `rulers.lock`, `package.json`
   * or `.git`, else the file's own folder. Not applied to a custom `readImport`.
   */
  readonly importRoot?: string;
}

export interface CompileResult {
  readonly ir: RubricIR | null;
  readonly ast: RubricFile | null;
  readonly diagnostics: Diagnostic[];
  /** Text of every file a diagnostic may point into (the source and its imports). */
  readonly sources: ReadonlyMap<string, string>;
  /** For a `part` file: the hash other rubrics pin it by. */
  readonly partHash: string | null;
}

const MAX_SOURCE_BYTES = MAX_SOURCE_CHARS * 4;

/** Source text that is not valid UTF-8: the decoded text (U+FFFD in place) and where it breaks. */
class InvalidUtf8 extends Error {
  constructor(
    readonly text: string,
    readonly offset: number,
  ) {
    super("not valid UTF-8");
  }
}

/** A regular file of bounded size, read without blocking on pipes and devices. */
function readSource(path: string): string {
  const bytes = readCappedBytes(path, MAX_SOURCE_BYTES);
  const text = bytes.toString("utf8");
  const bad = invalidUtf8Offset(bytes);
  if (bad >= 0) throw new InvalidUtf8(text, bad);
  return text;
}

function invalidUtf8(e: InvalidUtf8, file: string): Diagnostic {
  return error(
    "invalid-utf8",
    "the file is not valid UTF-8 here; save it as UTF-8",
    { start: e.offset, end: e.offset + 1 },
    file,
  );
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The folder imports of `file` must stay inside (see CompileOptions.importRoot). */
export function projectRoot(file: string | undefined): string {
  const start = file ? dirname(realOrResolved(file)) : process.cwd();
  for (let dir = start; ; ) {
    if (["rulers.lock", "package.json", ".git"].some((m) => existsSync(join(dir, m)))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

/** A folder as the user would type it: relative to the working folder when inside it. */
function shown(dir: string): string {
  const cwd = realOrResolved(process.cwd());
  return inside(cwd, dir) ? relative(cwd, dir) || "." : dir;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

interface State {
  readonly read: ImportReader;
  /** null when a custom reader serves imports (no files involved). */
  readonly root: string | null;
  readonly sources: Map<string, string>;
  readonly diagnostics: Diagnostic[];
  readonly stack: string[];
  readonly done: Map<string, { file: RubricFile; hash: string; imports: ImportedPart[] } | null>;
}

function check(
  file: RubricFile,
  name: string | undefined,
  imported: readonly Declarations[],
  sink: Diagnostic[],
): void {
  const ctx = createContext(file, name, sink, imported);
  for (const rule of RULES) rule(ctx);
}

function resolveImports(file: RubricFile, name: string | undefined, st: State): ImportedPart[] {
  const parts: ImportedPart[] = [];
  const base = name ? dirname(resolve(name)) : process.cwd();
  for (const d of file.declarations) {
    if (d.kind !== "Import") continue;
    const path = resolve(base, d.path);
    if (st.root !== null && !inside(st.root, realOrResolved(path))) {
      st.diagnostics.push(
        error(
          "import-outside-root",
          `import \`${d.path}\` is outside the project folder \`${shown(st.root)}\`; move the part into the project, or compile with \`--import-root <folder>\` to allow it`,
          d.pathLoc,
          name,
        ),
      );
      continue;
    }
    if (st.stack.includes(path)) {
      const chain = [...st.stack.slice(st.stack.indexOf(path)), path].map((p) => `\`${p}\``).join(" → ");
      st.diagnostics.push(
        error(
          "import-cycle",
          `import cycle: ${chain}; a part cannot import itself, directly or through others`,
          d.pathLoc,
          name,
        ),
      );
      continue;
    }
    const part = loadPart(path, d.path, name, d.pathLoc, st);
    if (!part) continue;
    if (d.hash === null) {
      st.diagnostics.push(
        error(
          "import-unpinned",
          `import \`${d.path}\` is not pinned; add its hash: \`import "${d.path}" ${part.hash}\``,
          d.pathLoc,
          name,
        ),
      );
    } else if (d.hash !== part.hash) {
      st.diagnostics.push(
        error(
          "import-hash-mismatch",
          `\`${d.path}\` has changed: it is pinned to \`${d.hash.slice(0, 19)}…\` but its content hashes to \`${part.hash}\`; review the change, then update the pin`,
          d.hashLoc ?? d.pathLoc,
          name,
        ),
      );
    }
    parts.push(...part.imports, { hash: part.hash, file: part.file });
  }
  return parts;
}

function loadPart(
  path: string,
  written: string,
  from: string | undefined,
  at: { start: number; end: number },
  st: State,
) {
  if (st.done.has(path)) return st.done.get(path) ?? null;
  let text: string;
  try {
    text = st.read(path);
  } catch (err) {
    if (err instanceof InvalidUtf8) {
      st.sources.set(path, err.text);
      st.diagnostics.push(invalidUtf8(err, path));
      st.done.set(path, null);
      return null;
    }
    const why = errnoOf(err) === "ENOENT" ? "no such file" : (err as Error).message;
    st.diagnostics.push(
      error(
        "import-not-found",
        `cannot read import \`${written}\` (${why}); the path is relative to the importing file`,
        at,
        from,
      ),
    );
    st.done.set(path, null);
    return null;
  }
  st.sources.set(path, text);
  const parsed = parseRubric(text, path);
  st.diagnostics.push(...parsed.diagnostics);
  if (!parsed.ast || hasErrors(parsed.diagnostics)) {
    st.done.set(path, null);
    return null;
  }
  if (parsed.ast.header?.form !== "part") {
    st.diagnostics.push(
      error(
        "import-not-part",
        `\`${written}\` is a rubric, not a part; only files starting with \`part <id> version <x.y.z>\` can be imported`,
        at,
        from,
      ),
    );
    st.done.set(path, null);
    return null;
  }
  st.stack.push(path);
  const imports = resolveImports(parsed.ast, path, st);
  st.stack.pop();
  check(
    parsed.ast,
    path,
    imports.map((p) => collectDeclarations(p.file)),
    st.diagnostics,
  );
  const result = { file: parsed.ast, hash: partHash(parsed.ast, imports), imports };
  st.done.set(path, result);
  return result;
}

export function compileSource(text: string, file?: string, opts: CompileOptions = {}): CompileResult {
  const st: State = {
    read: opts.readImport ?? readSource,
    root: opts.readImport ? null : realOrResolved(opts.importRoot ?? projectRoot(file)),
    sources: new Map([[file ?? "<input>", text]]),
    diagnostics: [],
    stack: file ? [resolve(file)] : [],
    done: new Map(),
  };
  const parsed = parseRubric(text, file);
  st.diagnostics.push(...parsed.diagnostics);
  const ast = parsed.ast;
  let ir: RubricIR | null = null;
  let hash: string | null = null;
  if (ast?.header) {
    const imports = resolveImports(ast, file, st);
    if (!hasErrors(parsed.diagnostics)) {
      check(
        ast,
        file,
        imports.map((p) => collectDeclarations(p.file)),
        st.diagnostics,
      );
      if (!hasErrors(st.diagnostics)) {
        if (ast.header.form === "part") hash = partHash(ast, imports);
        else ir = lowerRubric(ast, imports);
      }
    }
  }
  const max = opts.maxDiagnostics ?? 100;
  const sorted = st.diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.file === b.d.file ? (a.d.span?.start ?? 0) - (b.d.span?.start ?? 0) || a.i - b.i : a.i - b.i))
    .map((x) => x.d);
  return { ir, ast, diagnostics: sorted.slice(0, max), sources: st.sources, partHash: hash };
}

/** Read and compile a file; an unreadable file becomes a diagnostic, not an exception. */
export function compileFile(path: string, opts: CompileOptions = {}): CompileResult {
  let text: string;
  try {
    text = readSource(path);
  } catch (err) {
    const fail = (d: Diagnostic, sources = new Map<string, string>()): CompileResult => ({
      ir: null,
      ast: null,
      diagnostics: [d],
      sources,
      partHash: null,
    });
    if (err instanceof InvalidUtf8) return fail(invalidUtf8(err, path), new Map([[path, err.text]]));
    if (err instanceof ReadCappedError && err.reason === "too-large")
      return fail(
        error("source-too-large", `cannot compile \`${path}\`: ${err.message}; split it into parts`, undefined, path),
      );
    const why = err instanceof ReadCappedError ? err.message : (err as Error).message;
    return fail(error("unreadable-file", `cannot read \`${path}\`: ${why}`, undefined, path));
  }
  return compileSource(text, path, opts);
}
