/** The Markdown drift report for people reviewing a rubric edit: the table, the features, and every flipped item with both sides' verdicts and cited evidence. */
import type { DriftReport } from "./behaviour.js";
import type { SliceStats } from "./slices.js";
import { type CriterionVerdict, verdictsOf } from "./verdicts.js";

/** Flipped items listed in full; the rest are counted (all of them are in the JSON). */
export const MARKDOWN_FLIP_LIMIT = 500;

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ");

function sliceRow(name: string, s: SliceStats, labels: boolean): string {
  const lab = labels
    ? ` ${pct(s.accuracy_base)} | ${pct(s.accuracy_candidate)} | ${s.correct_to_wrong ?? 0} | ${s.wrong_to_correct ?? 0} |`
    : "";
  return `| ${cell(name)} | ${s.n} | ${s.flips} | ${pct(s.flip_rate)} | ${s.toward_base} | ${s.toward_candidate} | ${s.mean_shift === null ? "–" : s.mean_shift.toFixed(3)} | ${s.p_value.toPrecision(3)} |${lab} ${s.drift ? "**drift**" : ""} |`;
}

function side(name: string, verdict: unknown, criteria: CriterionVerdict[]): string[] {
  const out = [`**${name}**: ${String(verdict)}`, ""];
  if (criteria.length === 0) return [...out, "(the record carries no criteria)", ""];
  for (const c of criteria) {
    out.push(
      `- \`${c.id}\`: ${c.verdict ?? "–"}${c.status && c.status !== "ok" ? ` (${c.status})` : ""}${c.rationale ? ` — ${cell(c.rationale).slice(0, 400)}` : ""}`,
    );
    for (const e of c.evidence)
      out.push(`  - ${e.verified === true ? "✓" : e.verified === false ? "✗" : "?"} “${cell(e.quote).slice(0, 300)}”`);
  }
  out.push("");
  return out;
}

export function driftMarkdown(r: DriftReport, title = "Rubric drift"): string {
  const labels = r.overall.accuracy_base !== undefined;
  const dir = r.mode === "pairwise" ? ["toward B", "toward A"] : ["down", "up"];
  const e = r.excluded_detail;
  const out = [
    `# ${title}`,
    "",
    `${r.mode} records compared on \`${r.score_field}\`${r.mode === "pointwise" ? ` (a flip is a change of at least ${r.step})` : ""}; ` +
      `${r.excluded} excluded (${e.failed} failed, ${e.unmatched} in one run only, ${e.duplicate} duplicates). ` +
      `Test: ${r.overall.test === "mcnemar" ? "exact McNemar on correct→wrong vs wrong→correct" : "exact sign test on the flip directions"}. ` +
      `Verdict: ${r.drift ? "**drift beyond the thresholds**" : "no drift beyond the thresholds"}` +
      ` (max flip rate ${r.thresholds.max_flip_rate ?? "–"}, alpha ${r.thresholds.alpha ?? "–"}).`,
    "",
    ...r.reasons.map((x) => `- drift: ${cell(x)}`),
    ...(r.reasons.length ? [""] : []),
    ...(r.min_detectable_flip_rate !== null
      ? [
          `The smallest directional flip rate ${r.overall.n} items detect with 80% power: ${pct(r.min_detectable_flip_rate)}. Sign test on the flip directions: p = ${r.overall.sign_p_value.toPrecision(3)}.`,
          "",
        ]
      : []),
    ...r.warnings.map((w) => `> warning: ${w}`),
    ...(r.warnings.length ? [""] : []),
    `| slice | n | flips | flip rate | ${dir[0]} | ${dir[1]} | mean shift | p |${labels ? " acc. base | acc. candidate | correct→wrong | wrong→correct |" : ""} drift |`,
    `|---|---|---|---|---|---|---|---|${labels ? "---|---|---|---|" : ""}---|`,
    sliceRow("overall", r.overall, labels),
    ...Object.entries(r.slices).map(([k, s]) => sliceRow(k, s, labels)),
    "",
    "## What the flips follow",
    "",
    ...(r.features.length
      ? r.features.map(
          (f) =>
            `- ${f.follows ? "**" : ""}${f.feature}${f.follows ? "** (followed)" : ""}: ${f.summary}. _${f.definition}_`,
        )
      : ["(no probe rows with response texts, so no response features)"]),
    "",
    ...(r.attributes.length
      ? [
          "## Counterfactual attributes",
          "",
          "| attribute | n | toward (base) | toward (candidate) | flips toward | flips away | p (Holm) | drift |",
          "|---|---|---|---|---|---|---|---|",
          ...r.attributes.map(
            (a) =>
              `| ${cell(a.attribute)} | ${a.n} | ${pct(a.base.share_toward)} | ${pct(a.candidate.share_toward)} | ${a.toward} | ${a.away} | ${a.p_adjusted.toPrecision(3)} | ${a.drift ? "**drift**" : ""} |`,
          ),
          "",
        ]
      : []),
    `## Flipped items (${r.flipped.length})`,
    "",
  ];
  for (const f of r.flipped.slice(0, MARKDOWN_FLIP_LIMIT)) {
    out.push(
      `### ${f.item_id}: ${String(f.base)} → ${String(f.candidate)}${f.slice !== null ? ` (${f.slice})` : ""}`,
      "",
    );
    out.push(
      ...side("base", f.base, verdictsOf(f.base_record)),
      ...side("candidate", f.candidate, verdictsOf(f.candidate_record)),
    );
  }
  if (r.flipped.length > MARKDOWN_FLIP_LIMIT)
    out.push(`(${r.flipped.length - MARKDOWN_FLIP_LIMIT} more flipped items in the \`--json\` output)`, "");
  return `${out.join("\n").trimEnd()}\n`;
}
