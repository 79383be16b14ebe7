/**
 * The semantic diff of two rubrics, on their IR: criteria matched by id, then by text
 * similarity (a rename); for each, weight and points with the effective share of the total,
 * kind, levels and anchors, evidence rules and policy, and word-level changes of every text;
 * then scale, mode, inputs, judge settings, aggregation, gates and checks.
 */
import type { CriterionIR, RubricIR } from "../compile/ir.js";
import { similarity, textChange, type TextChange } from "./text.js";

export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly text?: TextChange;
}

export interface CriterionDiff {
  readonly id: string;
  readonly status: "added" | "removed" | "changed" | "renamed" | "unchanged";
  readonly renamed_from?: string;
  readonly share_before: number | null;
  readonly share_after: number | null;
  readonly changes: FieldChange[];
}

export interface RubricDiff {
  readonly before: { id: string; version: string };
  readonly after: { id: string; version: string };
  readonly criteria: CriterionDiff[];
  readonly changes: FieldChange[];
  readonly identical: boolean;
}

const RENAME_SIMILARITY = 0.6;

function weightOf(c: CriterionIR): number {
  return c.points ?? c.weight ?? 1;
}

/** Each criterion's share of the total positive weight (points), the effective say it has. */
function shares(criteria: readonly CriterionIR[]): Map<string, number> {
  const total = criteria.reduce((a, c) => a + Math.max(0, weightOf(c)), 0);
  return new Map(criteria.map((c) => [c.id, total > 0 ? weightOf(c) / total : 0]));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function field(changes: FieldChange[], name: string, before: unknown, after: unknown): void {
  if (same(before, after)) return;
  const text = typeof before === "string" && typeof after === "string" ? textChange(before, after) : null;
  changes.push({ field: name, before, after, ...(text ? { text } : {}) });
}

function compareCriterion(a: CriterionIR, b: CriterionIR): FieldChange[] {
  const changes: FieldChange[] = [];
  field(changes, "id", a.id, b.id);
  field(changes, "title", a.title, b.title);
  field(changes, "description", a.description, b.description);
  field(changes, "section", a.section, b.section);
  field(changes, "kind", a.kind, b.kind);
  field(changes, "weight", a.weight, b.weight);
  field(changes, "points", a.points, b.points);
  const levels = new Set([...a.levels, ...b.levels].map((l) => l.value));
  for (const v of [...levels].sort((x, y) => x - y)) {
    field(changes, `level ${v}`, a.levels.find((l) => l.value === v)?.anchor ?? null, b.levels.find((l) => l.value === v)?.anchor ?? null);
  }
  field(changes, "evidence", a.evidence, b.evidence);
  field(changes, "on_evidence_failure", a.on_evidence_failure, b.on_evidence_failure);
  field(changes, "tags", a.tags, b.tags);
  return changes;
}

function textOf(c: CriterionIR): string {
  return `${c.title} ${c.description} ${c.levels.map((l) => l.anchor).join(" ")}`;
}

export function diffRubrics(a: RubricIR, b: RubricIR): RubricDiff {
  const sa = shares(a.criteria);
  const sb = shares(b.criteria);
  const byIdB = new Map(b.criteria.map((c) => [c.id, c]));
  const byIdA = new Map(a.criteria.map((c) => [c.id, c]));
  const unmatchedB = new Set(b.criteria.filter((c) => !byIdA.has(c.id)));
  const criteria: CriterionDiff[] = [];
  for (const ca of a.criteria) {
    const cb = byIdB.get(ca.id);
    if (cb) {
      const changes = compareCriterion(ca, cb);
      criteria.push({ id: ca.id, status: changes.length ? "changed" : "unchanged", share_before: sa.get(ca.id)!, share_after: sb.get(cb.id)!, changes });
      continue;
    }
    // Not there by id: the closest unmatched new criterion, if close enough, is a rename.
    let best: CriterionIR | null = null;
    let bestSim = RENAME_SIMILARITY;
    for (const c of unmatchedB) {
      const s = similarity(textOf(ca), textOf(c));
      if (s >= bestSim) {
        bestSim = s;
        best = c;
      }
    }
    if (best) {
      unmatchedB.delete(best);
      criteria.push({ id: best.id, status: "renamed", renamed_from: ca.id, share_before: sa.get(ca.id)!, share_after: sb.get(best.id)!, changes: compareCriterion(ca, best) });
    } else {
      criteria.push({ id: ca.id, status: "removed", share_before: sa.get(ca.id)!, share_after: null, changes: [] });
    }
  }
  for (const cb of b.criteria) if (unmatchedB.has(cb)) criteria.push({ id: cb.id, status: "added", share_before: null, share_after: sb.get(cb.id)!, changes: [] });

  const changes: FieldChange[] = [];
  field(changes, "id", a.id, b.id);
  field(changes, "version", a.version, b.version);
  field(changes, "title", a.title, b.title);
  field(changes, "description", a.description, b.description);
  field(changes, "instructions", a.instructions, b.instructions);
  field(changes, "mode", a.mode, b.mode);
  field(changes, "scale", a.scale, b.scale);
  field(changes, "inputs", a.inputs, b.inputs);
  field(changes, "judge", a.judge, b.judge);
  field(changes, "aggregation", a.aggregation, b.aggregation);
  field(changes, "template", a.template, b.template);
  field(changes, "imports", a.imports, b.imports);
  const gates = new Set([...a.gates, ...b.gates].map((g) => g.id));
  for (const id of gates) field(changes, `gate ${id}`, a.gates.find((g) => g.id === id) ?? null, b.gates.find((g) => g.id === id) ?? null);
  const checks = new Set([...a.checks, ...b.checks].map((c) => c.id));
  for (const id of checks) field(changes, `check ${id}`, a.checks.find((c) => c.id === id) ?? null, b.checks.find((c) => c.id === id) ?? null);
  const meaningful = changes.filter((c) => c.field !== "version");
  return {
    before: { id: a.id, version: a.version },
    after: { id: b.id, version: b.version },
    criteria,
    changes,
    identical: meaningful.length === 0 && criteria.every((c) => c.status === "unchanged"),
  };
}
