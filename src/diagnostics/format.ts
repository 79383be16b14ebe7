import { escapeControls, escapeLine } from "../util/terminal.js";
import type { Diagnostic } from "./diagnostic.js";
import { LineIndex } from "./location.js";

/**
 * `file:line:col: severity[code]: message`, then the source line and a caret under the span,
 * the shape compilers have trained users to read.
 */
export function formatDiagnostic(d: Diagnostic, source?: string | LineIndex): string {
  const file = d.file ?? "<input>";
  // Messages quote source text: escaped, so the source cannot act on the reader's terminal.
  if (!d.span || source === undefined) return escapeLine(`${file}: ${d.severity}[${d.code}]: ${d.message}`);
  const index = typeof source === "string" ? new LineIndex(source) : source;
  const pos = index.position(d.span.start);
  const line = index.lineText(pos.line);
  const endPos = index.position(Math.max(d.span.start, d.span.end));
  const width =
    endPos.line === pos.line ? Math.max(1, endPos.column - pos.column) : Math.max(1, line.length - pos.column + 1);
  const gutter = String(pos.line);
  const pad = " ".repeat(gutter.length);
  const raw = line.replace(/\t/g, " ");
  // The caret is measured on the escaped text, so it stays under the span.
  const shown = escapeControls(raw);
  const before = escapeControls(raw.slice(0, pos.column - 1)).length;
  const marked = escapeControls(raw.slice(pos.column - 1, pos.column - 1 + width)).length;
  return [
    escapeLine(`${file}:${pos.line}:${pos.column}: ${d.severity}[${d.code}]: ${d.message}`),
    `${pad} |`,
    `${gutter} | ${shown}`,
    `${pad} | ${" ".repeat(before)}${"^".repeat(Math.min(Math.max(1, marked), Math.max(1, shown.length - before)))}`,
  ].join("\n");
}

/** Machine-readable form with line/column resolved, for `--json` outputs. */
export function diagnosticToJson(d: Diagnostic, source?: string | LineIndex): Record<string, unknown> {
  const out: Record<string, unknown> = { code: d.code, severity: d.severity, message: d.message };
  if (d.file !== undefined) out.file = d.file;
  if (d.span && source !== undefined) {
    const index = typeof source === "string" ? new LineIndex(source) : source;
    const s = index.position(d.span.start);
    const e = index.position(d.span.end);
    out.start = { offset: d.span.start, line: s.line, column: s.column };
    out.end = { offset: d.span.end, line: e.line, column: e.column };
  }
  return out;
}
