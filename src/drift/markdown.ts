/** Markdown reports for people reviewing a rubric edit: the diff, and the flipped items. */
import type { DriftReport, SliceStats } from "./behaviour.js";
import type { RubricDiff } from "./diff.js";
import type { Finding } from "./risk.js";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);

function sliceRow(name: string, s: SliceStats): string {
  const labels = s.accuracy_base !== undefined ? ` ${pct(s.accuracy_base)} | ${pct(s.accuracy_candidate)} | ${s.correct_to_wrong} | ${s.wrong_to_correct} |` : "";
  return `| ${name} | ${s.n} | ${s.flips} | ${pct(s.flip_rate)} | ${s.toward_base} | ${s.toward_candidate} | ${s.mean_shift?.toFixed(3) ?? "–"} | ${s.p_value.toPrecision(3)} |${labels} ${s.drift ? "**drift**" : ""} |`;
}

export function driftMarkdown(r: DriftReport, title = "Rubric drift"): string {
  const withLabels = r.overall.accuracy_base !== undefined;
  const out = [
    `# ${title}`,
    "",
    `${r.mode} records compared on \`${r.score_field}\`; ${r.excluded} excluded (failed or unmatched). Verdict: ${r.drift ? "**drift beyond the thresholds**" : "no drift beyond the thresholds"}.`,
    "",
    `| slice | n | flips | flip rate | toward base | toward candidate | mean shift | p |${withLabels ? " acc. base | acc. candidate | correct→wrong | wrong→correct |" : ""} |`,
    `|---|---|---|---|---|---|---|---|${withLabels ? "---|---|---|---|" : ""}---|`,
    sliceRow("overall", r.overall),
    ...Object.entries(r.slices).map(([k, s]) => sliceRow(k, s)),
    "",
    "## What the flips follow",
    "",
    ...(r.features.length ? r.features.map((f) => `- ${f.follows ? "**" : ""}${f.feature}${f.follows ? "**" : ""}: ${f.summary}`) : ["(no probe rows given, so no response features)"]),
    "",
    `## Flipped items (${r.flipped.length})`,
    "",
  ];
  for (const f of r.flipped.slice(0, 500)) {
    out.push(`### ${f.item_id}: ${String(f.base)} → ${String(f.candidate)}`, "");
    for (const [side, rec] of [["base", f.base_record], ["candidate", f.candidate_record]] as const) {
      const criteria = (rec.criteria as { id: string; verdict?: string; level?: number; evidence?: { quote: string; verified: boolean }[] }[] | undefined) ?? [];
      out.push(`- **${side}**: ${criteria.map((c) => `\`${c.id}\` ${c.verdict ?? c.level ?? ""}`).join(", ") || "(no criteria)"}`);
      for (const c of criteria) for (const e of c.evidence ?? []) out.push(`  - ${c.id}: ${e.verified ? "✓" : "✗"} “${e.quote.replace(/\s+/g, " ").slice(0, 200)}”`);
    }
    out.push("");
  }
  if (r.flipped.length > 500) out.push(`(${r.flipped.length - 500} more flipped items in the JSON report)`);
  return out.join("\n") + "\n";
}

export function diffText(d: RubricDiff, findings: readonly Finding[]): string {
  const out = [`${d.before.id}@${d.before.version} → ${d.after.id}@${d.after.version}${d.identical ? " (no change of meaning)" : ""}`];
  for (const c of d.changes) {
    out.push(`  ${c.field}: ${c.text ? c.text.inline.replace(/\n/g, "\n    ") : `${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`}`);
  }
  for (const cr of d.criteria) {
    if (cr.status === "unchanged") continue;
    const share = `share ${pct(cr.share_before)} → ${pct(cr.share_after)}`;
    out.push(`  criterion ${cr.id}: ${cr.status}${cr.renamed_from ? ` from \`${cr.renamed_from}\`` : ""} (${share})`);
    for (const c of cr.changes) out.push(`    ${c.field}: ${c.text ? c.text.inline.replace(/\n/g, "\n      ") : `${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`}`);
  }
  out.push(findings.length ? "risk:" : "risk: no risky edit patterns found");
  for (const f of findings) out.push(`  ${f.line ? `line ${f.line}:${f.column}: ` : ""}[${f.pattern}] ${f.where}: ${f.message}`);
  return out.join("\n");
}
