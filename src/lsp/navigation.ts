/** Go to definition and find references: gate → criterion or check, evidence and checks → input, import → part. */
import type { Location } from "vscode-languageserver";
import { type Analysis, pathToUri } from "./analysis.js";
import { definitionOf, importAt, occurrenceAt } from "./symbols.js";

export function definition(a: Analysis, uri: string, offset: number): Location | null {
  const site = importAt(a.symbols, offset);
  if (site) {
    const zero = { line: 0, character: 0 };
    return { uri: pathToUri(site.path), range: { start: zero, end: zero } };
  }
  const o = occurrenceAt(a.symbols, offset);
  const def = o && definitionOf(a.symbols, o);
  if (!def) return null;
  if (def.file === undefined)
    return { uri, range: { start: a.doc.positionAt(def.span.start), end: a.doc.positionAt(def.span.end) } };
  const part = a.parts.get(def.file);
  if (!part) return null;
  return {
    uri: pathToUri(def.file),
    range: { start: part.doc.positionAt(def.span.start), end: part.doc.positionAt(def.span.end) },
  };
}

export function references(a: Analysis, uri: string, offset: number, includeDeclaration: boolean): Location[] {
  const o = occurrenceAt(a.symbols, offset);
  if (!o) return [];
  const out: Location[] = [];
  const def = definitionOf(a.symbols, o);
  if (includeDeclaration && def?.file !== undefined) {
    const loc = definition(a, uri, offset);
    if (loc) out.push(loc);
  }
  for (const x of a.symbols.occurrences) {
    if (x.name !== o.name || x.namespace !== o.namespace) continue;
    if (x.declaration && !includeDeclaration) continue;
    out.push({ uri, range: { start: a.doc.positionAt(x.span.start), end: a.doc.positionAt(x.span.end) } });
  }
  return out;
}
