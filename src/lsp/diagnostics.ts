/**
 * Compiler diagnostics as LSP diagnostics, with the same codes and messages as the CLI. A problem
 * inside an imported part is shown on the `import` that brings it in (the part may not be open),
 * with a link to the exact place in the part.
 */

import { basename } from "node:path";
import {
  type DiagnosticRelatedInformation,
  DiagnosticSeverity,
  type Diagnostic as LspDiagnostic,
} from "vscode-languageserver";
import type { Diagnostic } from "../diagnostics/index.js";
import { type Analysis, pathToUri } from "./analysis.js";
import { fixFor } from "./fixes.js";

export const SOURCE = "rulers";

export function lspDiagnostics(a: Analysis): LspDiagnostic[] {
  const self = a.path ?? "<input>";
  const out: LspDiagnostic[] = [];
  for (const d of a.result.diagnostics) {
    const severity = d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
    if (d.file === undefined || d.file === self) {
      const span = d.span ?? { start: 0, end: 0 };
      const fix = fixFor(d, a.text);
      out.push({
        range: { start: a.doc.positionAt(span.start), end: a.doc.positionAt(span.end) },
        severity,
        code: d.code,
        source: SOURCE,
        message: d.message,
        ...(fix ? { data: { fix } } : {}),
      });
      continue;
    }
    out.push(inPart(a, d, severity));
  }
  return out;
}

function inPart(a: Analysis, d: Diagnostic, severity: DiagnosticSeverity): LspDiagnostic {
  const file = d.file!;
  const sites = a.symbols.imports;
  const site = sites.find((s) => s.path === file) ?? sites[0];
  const span = site?.decl.pathLoc ?? { start: 0, end: 0 };
  const part = a.parts.get(file);
  const where = part && d.span ? part.doc.positionAt(d.span.start) : undefined;
  const related: DiagnosticRelatedInformation[] = [];
  if (part && d.span)
    related.push({
      location: {
        uri: pathToUri(file),
        range: { start: part.doc.positionAt(d.span.start), end: part.doc.positionAt(d.span.end) },
      },
      message: d.message,
    });
  const at = where ? `:${where.line + 1}:${where.character + 1}` : "";
  return {
    range: { start: a.doc.positionAt(span.start), end: a.doc.positionAt(span.end) },
    severity,
    code: d.code,
    source: SOURCE,
    message: `in imported \`${basename(file)}\`${at}: ${d.message}`,
    ...(related.length ? { relatedInformation: related } : {}),
  };
}
