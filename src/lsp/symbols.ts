/**
 * Where each name of a rubric is declared and used, read off the compiler's AST: criteria,
 * checks and gates share one namespace (as in compile/context.ts), inputs have their own.
 * Navigation, hovers, references and semantic tokens all look names up here.
 */
import { dirname, resolve } from "node:path";
import type { Span } from "../diagnostics/index.js";
import type * as A from "../syntax/ast.js";

export type Namespace = "item" | "input";
export type SymbolKind = "criterion" | "check" | "gate" | "input";

export interface SymbolDef {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly span: Span;
  readonly node: A.CriterionDecl | A.CheckDecl | A.GateDecl | A.InputDecl;
  /** Absolute path of the part that declares it; undefined for the document itself. */
  readonly file?: string;
}

export interface Occurrence {
  readonly name: string;
  readonly namespace: Namespace;
  readonly span: Span;
  readonly declaration: boolean;
}

export interface ImportSite {
  readonly decl: A.ImportDecl;
  /** Absolute path the import resolves to. */
  readonly path: string;
}

export interface SymbolIndex {
  readonly items: ReadonlyMap<string, SymbolDef>;
  readonly inputs: ReadonlyMap<string, SymbolDef>;
  /** Every name in the document, in source order. */
  readonly occurrences: readonly Occurrence[];
  readonly imports: readonly ImportSite[];
}

const EMPTY: SymbolIndex = { items: new Map(), inputs: new Map(), occurrences: [], imports: [] };

function members(file: A.RubricFile): (A.CriterionDecl | A.CheckDecl | A.GateDecl | A.InputDecl)[] {
  const out: (A.CriterionDecl | A.CheckDecl | A.GateDecl | A.InputDecl)[] = [];
  for (const d of file.declarations) {
    if (d.kind === "Section") out.push(...d.members);
    else if (d.kind === "Criterion" || d.kind === "Check" || d.kind === "Gate" || d.kind === "Input") out.push(d);
  }
  return out;
}

function defOf(d: A.CriterionDecl | A.CheckDecl | A.GateDecl | A.InputDecl, file?: string): SymbolDef {
  const id = d.kind === "Input" ? d.name : d.id;
  const kind =
    d.kind === "Input" ? "input" : d.kind === "Criterion" ? "criterion" : d.kind === "Check" ? "check" : "gate";
  return { name: id.name, kind, span: id.loc, node: d, ...(file !== undefined ? { file } : {}) };
}

function conditionRefs(c: A.ConditionNode, out: A.Ident[]): void {
  if (c.kind === "LogicalCondition") for (const o of c.operands) conditionRefs(o, out);
  else out.push(c.ref);
}

function evidenceFrom(settings: readonly { kind: string }[], out: A.Ident[]): void {
  for (const s of settings) if (s.kind === "EvidenceRule") out.push(...(s as A.EvidenceRuleNode).from);
}

/**
 * `parts` maps an import's absolute path to the part's AST (when it could be read and parsed),
 * so a gate on an imported criterion still finds its definition.
 */
export function indexSymbols(
  file: A.RubricFile | null,
  fileName: string | undefined,
  parts: ReadonlyMap<string, A.RubricFile> = new Map(),
): SymbolIndex {
  if (!file) return EMPTY;
  const items = new Map<string, SymbolDef>();
  const inputs = new Map<string, SymbolDef>();
  const occurrences: Occurrence[] = [];
  const itemRefs: A.Ident[] = [];
  const inputRefs: A.Ident[] = [];
  for (const d of members(file)) {
    const def = defOf(d);
    const table = d.kind === "Input" ? inputs : items;
    if (!table.has(def.name)) table.set(def.name, def);
    occurrences.push({
      name: def.name,
      namespace: d.kind === "Input" ? "input" : "item",
      span: def.span,
      declaration: true,
    });
    if (d.kind === "Criterion") evidenceFrom(d.settings, inputRefs);
    else if (d.kind === "Gate") conditionRefs(d.when, itemRefs);
    else if (d.kind === "Check") {
      inputRefs.push(d.test.input);
      if (d.test.kind === "EqualsTest" || d.test.kind === "NumericTest") inputRefs.push(d.test.other);
    }
  }
  for (const d of file.declarations) {
    if (d.kind === "Template") evidenceFrom(d.settings, inputRefs);
    else if (d.kind === "Mode") for (const s of d.settings) if (s.kind === "Compare") inputRefs.push(s.a, s.b);
  }
  for (const r of itemRefs) occurrences.push({ name: r.name, namespace: "item", span: r.loc, declaration: false });
  for (const r of inputRefs) occurrences.push({ name: r.name, namespace: "input", span: r.loc, declaration: false });
  occurrences.sort((a, b) => a.span.start - b.span.start);

  const base = fileName ? dirname(resolve(fileName)) : process.cwd();
  const imports: ImportSite[] = [];
  for (const d of file.declarations) if (d.kind === "Import") imports.push({ decl: d, path: resolve(base, d.path) });
  // Local declarations win over imported ones, as they do for the compiler's duplicate check.
  for (const site of imports) {
    const part = parts.get(site.path);
    if (!part) continue;
    for (const d of members(part)) {
      if (d.kind === "Input") continue;
      const def = defOf(d, site.path);
      if (!items.has(def.name)) items.set(def.name, def);
    }
  }
  return { items, inputs, occurrences, imports };
}

/** The name under `offset` (a cursor just after a name still counts, as editors expect). */
export function occurrenceAt(index: SymbolIndex, offset: number): Occurrence | undefined {
  return index.occurrences.find((o) => o.span.start <= offset && offset <= o.span.end);
}

export function definitionOf(index: SymbolIndex, o: Occurrence): SymbolDef | undefined {
  return (o.namespace === "item" ? index.items : index.inputs).get(o.name);
}

export function importAt(index: SymbolIndex, offset: number): ImportSite | undefined {
  return index.imports.find((s) => s.decl.pathLoc.start <= offset && offset <= s.decl.pathLoc.end);
}
