/** Document symbols: the rubric's outline of inputs, sections, criteria, checks, gates and imports. */
import { type DocumentSymbol, SymbolKind } from "vscode-languageserver";
import type { Span } from "../diagnostics/index.js";
import type * as A from "../syntax/ast.js";
import type { Analysis } from "./analysis.js";

export function outline(a: Analysis): DocumentSymbol[] {
  const ast = a.result.ast;
  if (!ast) return [];
  const range = (s: Span) => ({ start: a.doc.positionAt(s.start), end: a.doc.positionAt(Math.max(s.start, s.end)) });
  const sym = (name: string, detail: string, kind: SymbolKind, loc: Span, sel: Span, children?: DocumentSymbol[]) => {
    // A recovered node can have an empty or inverted span; the selection must lie inside the range.
    const whole = { start: Math.min(loc.start, sel.start), end: Math.max(loc.end, sel.end) };
    return {
      name: name || "?",
      detail,
      kind,
      range: range(whole),
      selectionRange: range(sel),
      ...(children ? { children } : {}),
    };
  };
  const member = (d: A.CriterionDecl | A.CheckDecl): DocumentSymbol =>
    d.kind === "Criterion"
      ? sym(d.id.name, d.title?.value ?? "criterion", SymbolKind.Property, d.loc, d.id.loc)
      : sym(d.id.name, d.title?.value ?? "check", SymbolKind.Function, d.loc, d.id.loc);
  const out: DocumentSymbol[] = [];
  for (const d of ast.declarations) {
    switch (d.kind) {
      case "Input":
        out.push(sym(d.name.name, d.quotable ? "input, quotable" : "input", SymbolKind.Variable, d.loc, d.name.loc));
        break;
      case "Section":
        out.push(sym(d.title.value, "section", SymbolKind.Namespace, d.loc, d.title.loc, d.members.map(member)));
        break;
      case "Criterion":
      case "Check":
        out.push(member(d));
        break;
      case "Gate":
        out.push(sym(d.id.name, d.title?.value ?? "gate", SymbolKind.Event, d.loc, d.id.loc));
        break;
      case "Import":
        out.push(sym(d.path, "import", SymbolKind.Package, d.loc, d.pathLoc));
        break;
      case "Judge":
      case "Scale":
      case "Mode":
      case "Aggregate":
        out.push(sym(d.kind.toLowerCase(), "", SymbolKind.Object, d.loc, d.loc));
        break;
      default:
        break;
    }
  }
  if (!ast.header) return out;
  const h = ast.header;
  return [sym(h.id.name, `${h.form} ${h.version.raw}`, SymbolKind.Module, ast.loc, h.id.loc, out)];
}
