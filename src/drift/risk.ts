/**
 * The risk summary: edit patterns that read like refinements but are known to move a judge's
 * preferences (rubric-induced preference drift). Each finding quotes the text that triggered
 * it and, when the new source is at hand, points at its line.
 */
import type { RubricDiff } from "./diff.js";
import { locate, type SourcePosition } from "./text.js";

export type RiskPattern =
  | "tie-break-rule" | "removed-bias-guard" | "one-sided-comparative" | "emphasis-added"
  | "length-growth" | "conditional-branch" | "reweighting" | "criterion-removed" | "scale-or-aggregation-changed";

export interface Finding {
  readonly pattern: RiskPattern;
  readonly message: string;
  readonly where: string;
  readonly text?: string;
  readonly line?: number;
  readonly column?: number;
}

const TIE_BREAK = /\b(?:prefer(?:s|red)?|favou?r(?:s|ed)?|tie[- ]?break\w*|break (?:the )?ties?|(?:when|if) (?:the )?(?:two )?(?:responses|replies|answers|both)[^.]{0,30}\b(?:equal|tied|similar|comparable))\b[^.\n]*/gi;
const BIAS_GUARD = /\b(?:do not|don't|never|must not|should not)\b[^.\n]{0,60}\b(?:length|longer|shorter|order|position|presented|names?|verbos\w*|style)\b[^.\n]*|\b(?:regardless of|irrespective of)\b[^.\n]*|\b(?:avoid|without)\b[^.\n]{0,30}\bbias\w*[^.\n]*|\bposition(?:al)? bias\w*/gi;
const COMPARATIVE = /\b[\w-]+ (?:is|are) (?:always |inherently |generally )?(?:safer|better|worse|preferable|superior|more \w+|less \w+) than (?:any|all|every|an?y?)\b[^.\n]*/gi;
const EMPHASIS = /\b(?:only|always|never|penali[sz]\w*|favou?r\w*|must|strictly|under no circumstances)\b/gi;
const CONDITIONAL = /\b(?:if|when(?:ever)?|unless|in case)\b[^.\n]{3,80}?(?:,|\bthen\b)[^.\n]*/gi;

function matches(re: RegExp, text: string): string[] {
  return [...text.matchAll(re)].map((m) => m[0].trim());
}

function count(re: RegExp, text: string): number {
  return (text.match(re) ?? []).length;
}

export function riskFindings(diff: RubricDiff, newSource?: string): Finding[] {
  const findings: Finding[] = [];
  const add = (pattern: RiskPattern, where: string, message: string, text?: string) => {
    const pos: SourcePosition | null = text ? locate(newSource, text) : null;
    findings.push({ pattern, where, message, ...(text ? { text } : {}), ...(pos ? { line: pos.line, column: pos.column } : {}) });
  };
  const texts: { where: string; before: string; after: string; added: string; removed: string }[] = [];
  const collect = (where: string, c: { text?: { before: string; after: string; added: string[]; removed: string[] } }) => {
    if (c.text) texts.push({ where, before: c.text.before, after: c.text.after, added: c.text.added.join(" "), removed: c.text.removed.join(" ") });
  };
  for (const c of diff.changes) collect(c.field, c);
  for (const cr of diff.criteria) {
    for (const c of cr.changes) collect(`criterion ${cr.id}: ${c.field}`, c);
  }
  for (const t of texts) {
    // A pattern counts as added when it occurs in the new text but not in the old one.
    const fresh = (re: RegExp) => matches(re, t.after).filter((m) => !t.before.toLowerCase().includes(m.toLowerCase()));
    for (const m of fresh(TIE_BREAK)) add("tie-break-rule", t.where, `new preference or tie-break rule: \`${m}\``, m);
    for (const m of fresh(COMPARATIVE)) add("one-sided-comparative", t.where, `new one-sided comparison: \`${m}\``, m);
    for (const m of fresh(CONDITIONAL)) add("conditional-branch", t.where, `new conditional branch: \`${m}\``, m);
    for (const m of matches(BIAS_GUARD, t.before)) {
      if (!t.after.toLowerCase().includes(m.toLowerCase())) add("removed-bias-guard", t.where, `bias guard removed: \`${m}\``);
    }
    const emphBefore = count(EMPHASIS, t.before);
    const emphAfter = count(EMPHASIS, t.after);
    if (emphAfter > emphBefore) {
      const words = [...new Set(matches(EMPHASIS, t.added).map((w) => w.toLowerCase()))];
      add("emphasis-added", t.where, `emphasis words added (${emphBefore} → ${emphAfter}): ${words.map((w) => `\`${w}\``).join(", ")}`, matches(EMPHASIS, t.added)[0]);
    }
  }
  const lengthOf = (side: "before" | "after") => texts.reduce((a, t) => a + t[side].length, 0);
  const before = lengthOf("before");
  const after = lengthOf("after");
  if (after > before * 1.5 && after - before > 200) add("length-growth", "rubric text", `the changed texts grew from ${before} to ${after} characters (+${Math.round((after / before - 1) * 100)}%)`);
  for (const cr of diff.criteria) {
    if (cr.status === "removed") add("criterion-removed", `criterion ${cr.id}`, `criterion \`${cr.id}\` was removed (it carried ${((cr.share_before ?? 0) * 100).toFixed(0)}% of the weight)`);
    const b = cr.share_before;
    const a = cr.share_after;
    if (b !== null && a !== null && Math.abs(a - b) >= 0.05) {
      add("reweighting", `criterion ${cr.id}`, `\`${cr.id}\` now carries ${(a * 100).toFixed(0)}% of the weight, was ${(b * 100).toFixed(0)}%`, `criterion ${cr.id}`);
    }
  }
  for (const c of diff.changes) {
    if (c.field === "scale" || c.field === "aggregation" || c.field === "mode") add("scale-or-aggregation-changed", c.field, `${c.field} changed: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`);
  }
  return findings;
}
