/**
 * Prometheus score rubrics: `{criteria, score1_description … score5_description}` (JSON, a JSON
 * array, or JSONL; also BiGGen-Bench rows that hold one under `score_rubric`). Each becomes a
 * rubric with one ordinal 1–5 criterion whose level anchors are the score descriptions.
 */
import { readRecords } from "./healthbench.js";
import {
  finish,
  ImportError,
  type ImportedRubric,
  type ImportResult,
  type ImportWarning,
  slug,
  text,
} from "./source.js";

export function importPrometheus(input: string, opts: { prefix: string }): ImportResult {
  const warnings: ImportWarning[] = [];
  const errors: ImportWarning[] = [];
  const rubrics: ImportedRubric[] = [];
  const names = new Set<string>();
  for (const { line, value } of readRecords(input, "the Prometheus file")) {
    const where = `row ${line}`;
    if (value instanceof ImportError) {
      errors.push({ where, message: value.message });
      continue;
    }
    const v = value as Record<string, unknown>;
    const r = (v.score_rubric ?? v) as Record<string, unknown>;
    if (typeof r.criteria !== "string" || r.criteria.trim() === "") {
      errors.push({ where, message: "field `criteria` must be a non-empty string" });
      continue;
    }
    const missing = [1, 2, 3, 4, 5].filter(
      (k) => typeof r[`score${k}_description`] !== "string" || (r[`score${k}_description`] as string).trim() === "",
    );
    if (missing.length) {
      errors.push({ where, message: `missing ${missing.map((k) => `\`score${k}_description\``).join(", ")}` });
      continue;
    }
    const base = slug(typeof v.id === "string" ? v.id : `rubric-${line}`, `rubric-${line}`);
    let name = base;
    for (let k = 2; names.has(name); k++) name = `${base}-${k}`;
    names.add(name);
    const lines = [
      `# Imported from a Prometheus score rubric (${where}).`,
      `rubric ${slug(`${opts.prefix}prometheus.${name}`, `prometheus.${name}`)} version 1.0.0`,
      "mode pointwise",
    ];
    lines.push('input instruction "The instruction the response answers"');
    if (typeof v.reference_answer === "string") lines.push('input reference "A reference answer that would score 5"');
    lines.push('input response "The response to evaluate", quotable', "scale 1 to 5");
    lines.push(
      `criterion score ${text(r.criteria as string)}`,
      "  levels",
      ...[1, 2, 3, 4, 5].map((k) => `    ${k} ${text(r[`score${k}_description`] as string, 2)}`),
      "  end",
      "end",
    );
    if (typeof v.system_prompt === "string")
      warnings.push({
        where,
        message: "the instance's `system_prompt` is the evaluated model's, not the judge's; it was not imported",
      });
    rubrics.push({ name: `${name}.rubric`, source: finish(lines, where) });
  }
  return { rubrics, warnings, errors };
}
