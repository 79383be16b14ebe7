/** `rulers diff` for people: one line per change, word diffs inline, then the risk summary. */

import { escapeControls } from "../util/terminal.js";
import type { FieldChange, RubricDiff } from "./diff.js";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);

function changeLine(c: FieldChange, indent: string): string {
  const body = c.text
    ? c.text.inline.replace(/\n/g, `\n${indent}  `)
    : `${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`;
  return `${indent}${c.field}: ${body}`;
}

export function diffText(d: RubricDiff): string {
  const s = d.summary;
  const out = [
    `${d.before.id}@${d.before.version} → ${d.after.id}@${d.after.version}` +
      (d.identical ? " (no change of meaning)" : d.text_only ? " (wording only)" : ""),
  ];
  if (!d.identical) {
    out.push(
      `  criteria: ${s.criteria_added} added, ${s.criteria_removed} removed, ${s.criteria_renamed} renamed, ${s.criteria_changed} changed; ` +
        `${s.checks_changed} checks and ${s.gates_changed} gates changed; ${s.settings_changed} settings, ${s.text_changes} texts changed`,
    );
  }
  for (const c of d.changes) out.push(changeLine(c, "  "));
  for (const cr of d.criteria) {
    if (cr.status === "unchanged") continue;
    const share = `share ${pct(cr.share_before)} → ${pct(cr.share_after)}`;
    out.push(`  criterion ${cr.id}: ${cr.status}${cr.renamed_from ? ` from \`${cr.renamed_from}\`` : ""} (${share})`);
    for (const c of cr.changes) out.push(changeLine(c, "    "));
  }
  for (const [kind, parts] of [
    ["check", d.checks],
    ["gate", d.gates],
  ] as const) {
    for (const p of parts) {
      out.push(`  ${kind} ${p.id}: ${p.status}`);
      for (const c of p.changes) out.push(changeLine(c, "    "));
    }
  }
  out.push(d.risk.length ? `risk (${d.risk.length}):` : "risk: no drift-prone edit patterns found");
  for (const f of d.risk)
    out.push(`  ${f.line ? `line ${f.line}:${f.column}: ` : ""}${f.risk} [${f.pattern}] ${f.where}: ${f.message}`);
  out.push(`verdict: ${d.verdict}`);
  // Rubric text is shown to a reviewer: control characters must show, not act.
  return escapeControls(out.join("\n"));
}
