/**
 * What every check rule sees: the AST, a flattened view of its declarations (criteria inside
 * sections included), and `report`. Rules only read; the lowering runs after them.
 */
import { type Diagnostic, error, type Span, warning } from "../diagnostics/index.js";
import type * as A from "../syntax/ast.js";

export interface Declarations {
  readonly criteria: readonly A.CriterionDecl[];
  readonly checks: readonly A.CheckDecl[];
  readonly gates: readonly A.GateDecl[];
  readonly inputs: readonly A.InputDecl[];
  readonly sections: readonly A.SectionDecl[];
  readonly byKind: ReadonlyMap<A.Declaration["kind"], readonly A.Declaration[]>;
}

export interface RuleContext {
  readonly file: A.RubricFile;
  readonly fileName: string | undefined;
  readonly decls: Declarations;
  /** Criteria and checks by id (first definition wins; duplicates are a rule's business). */
  readonly scored: ReadonlyMap<string, A.CriterionDecl | A.CheckDecl>;
  /** Ids of criteria, checks and gates that come from imported parts. */
  readonly importedIds: ReadonlySet<string>;
  readonly inputNames: ReadonlySet<string>;
  error(code: string, message: string, span: Span): void;
  warn(code: string, message: string, span: Span): void;
}

export type Rule = (ctx: RuleContext) => void;

export function collectDeclarations(file: A.RubricFile): Declarations {
  const criteria: A.CriterionDecl[] = [];
  const checks: A.CheckDecl[] = [];
  const gates: A.GateDecl[] = [];
  const inputs: A.InputDecl[] = [];
  const sections: A.SectionDecl[] = [];
  const byKind = new Map<A.Declaration["kind"], A.Declaration[]>();
  const add = (d: A.CriterionDecl | A.CheckDecl) => (d.kind === "Criterion" ? criteria.push(d) : checks.push(d));
  for (const d of file.declarations) {
    const list = byKind.get(d.kind) ?? [];
    list.push(d);
    byKind.set(d.kind, list);
    if (d.kind === "Criterion" || d.kind === "Check") add(d);
    else if (d.kind === "Section") {
      sections.push(d);
      d.members.forEach(add);
    } else if (d.kind === "Gate") gates.push(d);
    else if (d.kind === "Input") inputs.push(d);
  }
  return { criteria, checks, gates, inputs, sections, byKind };
}

/**
 * `imported` are the declarations of imported parts: rules may refer to them (a gate on an
 * imported criterion) but never report on them — each part is checked in its own file.
 */
export function createContext(
  file: A.RubricFile,
  fileName: string | undefined,
  sink: Diagnostic[],
  imported: readonly Declarations[] = [],
): RuleContext {
  const decls = collectDeclarations(file);
  const scored = new Map<string, A.CriterionDecl | A.CheckDecl>();
  const importedIds = new Set<string>();
  for (const part of imported) {
    for (const d of [...part.criteria, ...part.checks, ...part.gates]) importedIds.add(d.id.name);
    for (const d of [...part.criteria, ...part.checks]) if (!scored.has(d.id.name)) scored.set(d.id.name, d);
  }
  for (const d of [...decls.criteria, ...decls.checks]) if (!scored.has(d.id.name)) scored.set(d.id.name, d);
  return {
    file,
    fileName,
    decls,
    scored,
    importedIds,
    inputNames: new Set(decls.inputs.map((i) => i.name.name)),
    error: (code, message, span) => sink.push(error(code, message, span, fileName)),
    warn: (code, message, span) => sink.push(warning(code, message, span, fileName)),
  };
}

/** The one declaration of a kind that may appear once (the first, if repeated). */
export function single<K extends A.Declaration["kind"]>(
  decls: Declarations,
  kind: K,
): Extract<A.Declaration, { kind: K }> | undefined {
  return decls.byKind.get(kind)?.[0] as Extract<A.Declaration, { kind: K }> | undefined;
}
