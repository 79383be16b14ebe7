/**
 * Per-item criteria: a template rubric takes each row's criteria from one field of the row
 * (HealthBench, SedarEval style). The same conversion serves `rulers compile --items` (all
 * rows at once, hashed into the bundle) and the judge (one row at a time).
 */
import { readFileSync } from "node:fs";
import { type Diagnostic, error } from "../diagnostics/index.js";
import { errnoOf } from "../util/errors.js";
import type { CriterionIR, ItemCriterionIR, RubricIR, TemplateIR } from "./ir.js";

export interface ItemCriteriaResult {
  readonly criteria: ItemCriterionIR[];
  readonly problems: string[];
}

/** The full criterion the judge and scorer work with: the row's part plus the template's. */
export function expandItemCriterion(template: TemplateIR, c: ItemCriterionIR): CriterionIR {
  return {
    id: c.id,
    title: c.title ?? (c.description.length > 80 ? `${c.description.slice(0, 77)}...` : c.description),
    description: c.description,
    section: null,
    kind: template.kind,
    levels: [],
    weight: c.points === null && c.weight === null ? 1 : c.weight,
    points: c.points,
    evidence: template.evidence,
    on_evidence_failure: template.on_evidence_failure,
    tags: c.tags,
  };
}

const TEXT_KEYS = ["criterion", "text", "description"] as const;

/** Turn one row's criteria value into IR; problems name the element and field. */
export function itemCriteria(template: TemplateIR, value: unknown): ItemCriteriaResult {
  const problems: string[] = [];
  if (!Array.isArray(value)) {
    return {
      criteria: [],
      problems: [
        `field \`${template.field}\` must be a list of criteria, got ${value === undefined ? "nothing" : typeof value}`,
      ],
    };
  }
  if (value.length === 0)
    problems.push(`field \`${template.field}\` is an empty list; an item needs at least one criterion`);
  const criteria: ItemCriterionIR[] = [];
  const ids = new Set<string>();
  value.forEach((raw, i) => {
    const where = `\`${template.field}[${i}]\``;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push(`${where} must be an object like {"criterion": "…", "points": 5}`);
      return;
    }
    const o = raw as Record<string, unknown>;
    const textKey = TEXT_KEYS.find((k) => typeof o[k] === "string");
    if (!textKey || (o[textKey] as string).trim() === "") {
      problems.push(`${where} has no criterion text; give it a \`criterion\` string`);
      return;
    }
    const id = o.id === undefined ? `c${i + 1}` : String(o.id);
    if (ids.has(id)) problems.push(`${where}: criterion id \`${id}\` appears twice in this item`);
    ids.add(id);
    const num = (k: string): number | null => {
      if (o[k] === undefined || o[k] === null) return null;
      if (typeof o[k] !== "number" || !Number.isFinite(o[k])) {
        problems.push(`${where}.${k} must be a number, got ${JSON.stringify(o[k])}`);
        return null;
      }
      return o[k] as number;
    };
    const points = num("points");
    const weight = num("weight");
    if (points !== null && weight !== null) problems.push(`${where} has both points and weight; keep one`);
    let tags: string[] = [];
    if (o.tags !== undefined) {
      if (!Array.isArray(o.tags) || o.tags.some((t) => typeof t !== "string"))
        problems.push(`${where}.tags must be a list of strings`);
      else tags = [...new Set(o.tags as string[])];
    }
    const text = o[textKey] as string;
    criteria.push({ description: text, id, points, tags, title: typeof o.title === "string" ? o.title : null, weight });
  });
  return { criteria, problems };
}

export interface CompiledItems {
  readonly items: Record<string, ItemCriterionIR[]> | null;
  readonly diagnostics: Diagnostic[];
  readonly count: number;
}

/** Compile every row of a JSONL file; every problem carries its row's line. */
export function compileItems(ir: RubricIR, path: string, text?: string): CompiledItems {
  const diagnostics: Diagnostic[] = [];
  if (!ir.template) {
    return {
      items: null,
      count: 0,
      diagnostics: [
        error(
          "not-a-template",
          `\`${ir.id}\` has no \`per item criteria from …\` block, so it takes no --items file`,
          undefined,
          path,
        ),
      ],
    };
  }
  let body: string;
  try {
    body = text ?? readFileSync(path, "utf8");
  } catch (err) {
    return {
      items: null,
      count: 0,
      diagnostics: [
        error("unreadable-file", `cannot read \`${path}\`: ${errnoOf(err) ?? (err as Error).message}`, undefined, path),
      ],
    };
  }
  const items: Record<string, ItemCriterionIR[]> = Object.create(null);
  let line = 0;
  let start = 0;
  let count = 0;
  const report = (message: string, at: number) => {
    if (diagnostics.length < 100)
      diagnostics.push(error("invalid-item", `row ${line}: ${message}`, { start: at, end: at + 1 }, path));
  };
  while (start < body.length) {
    let end = body.indexOf("\n", start);
    if (end === -1) end = body.length;
    line++;
    const rowText = body.slice(start, end);
    const at = start;
    start = end + 1;
    if (rowText.trim() === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(rowText);
    } catch (err) {
      report(`not valid JSON (${(err as Error).message})`, at);
      continue;
    }
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      report("must be a JSON object", at);
      continue;
    }
    const r = row as Record<string, unknown>;
    const id = typeof r.id === "string" || typeof r.id === "number" ? String(r.id) : String(line);
    if (id in items) {
      report(`item id \`${id}\` appears twice; ids must be unique`, at);
      continue;
    }
    const result = itemCriteria(ir.template, r[ir.template.field]);
    for (const p of result.problems) report(p, at);
    if (result.problems.length === 0) items[id] = result.criteria;
    count++;
  }
  if (count === 0) diagnostics.push(error("invalid-item", `\`${path}\` holds no rows`, undefined, path));
  return { items, diagnostics, count };
}
