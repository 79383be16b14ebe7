/**
 * The semantic diff of two rubrics, on their IR (so formatting and comments never show up):
 * criteria matched by id, then by text similarity (a rename); for each, weight and points with
 * the effective share of the total, kind, levels and anchors, evidence rules and policy, and
 * word-level changes of every text; then scale, mode, inputs, judge settings, aggregation,
 * gates and checks; and the risk summary (risk.ts) of edits known to move a judge.
 */
import type { CheckIR, CriterionIR, GateIR, RubricIR } from "../compile/ir.js";
import { weightOf } from "../score/value.js";
import { type Finding, type RiskLevel, riskFindings } from "./risk.js";
import { bagSimilarity, type TextChange, textChange, wordBag } from "./text.js";

export interface FieldChange {
  /** Dotted path inside the rubric, criterion, check or gate: `judge.temperature`, `level 3`. */
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Word-level change, for text fields. */
  readonly text?: TextChange;
}

export type DiffStatus = "added" | "removed" | "changed" | "renamed" | "unchanged";

export interface CriterionDiff {
  /** The id in the new rubric (the old one for a removed criterion). */
  readonly id: string;
  readonly status: DiffStatus;
  readonly renamed_from?: string;
  /** Word similarity of the old and new text, for a rename. */
  readonly similarity?: number;
  /** The criterion's share of the total positive weight (see `effectiveShares`). */
  readonly share_before: number | null;
  readonly share_after: number | null;
  readonly changes: FieldChange[];
}

export interface PartDiff {
  readonly id: string;
  readonly status: Exclude<DiffStatus, "renamed">;
  readonly share_before?: number | null;
  readonly share_after?: number | null;
  readonly changes: FieldChange[];
}

export interface RubricDiff {
  readonly before: { readonly id: string; readonly version: string };
  readonly after: { readonly id: string; readonly version: string };
  /** Nothing but the version changed. */
  readonly identical: boolean;
  /** Only wording changed: no criterion, check, gate, weight, level value or setting did. */
  readonly text_only: boolean;
  readonly summary: {
    readonly criteria_added: number;
    readonly criteria_removed: number;
    readonly criteria_renamed: number;
    readonly criteria_changed: number;
    readonly checks_changed: number;
    readonly gates_changed: number;
    readonly settings_changed: number;
    readonly text_changes: number;
  };
  /** Rubric-level changes: header, instructions, mode, scale, inputs, judge, aggregation… */
  readonly changes: FieldChange[];
  /** Every criterion of both rubrics: the old order, then the added ones. */
  readonly criteria: CriterionDiff[];
  /** Checks and gates that changed (unchanged ones are left out). */
  readonly checks: PartDiff[];
  readonly gates: PartDiff[];
  readonly risk: Finding[];
  /** The highest risk level among the findings: none, low or high. */
  readonly verdict: RiskLevel;
}

export interface DiffOptions {
  /** The new rubric's source text: findings then carry its line and column. */
  readonly newSource?: string;
}

/** Two criteria whose texts share at least this much (Dice on words) are a rename. */
export const RENAME_SIMILARITY = 0.6;

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
const isPlain = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * Each scored item's share of the total positive weight, w / Σ_{w>0} w, over criteria and
 * weighted checks (score/aggregate.ts): the effective say it has under `weighted_mean` and
 * `points`. Penalties get a negative share. Under `minimum` any item can decide alone, and
 * under `sum` levels multiply the weight, so there the share is nominal.
 */
export function effectiveShares(r: RubricIR): Map<string, number> {
  const items: { id: string; w: number }[] = [
    ...r.criteria.map((c) => ({ id: c.id, w: weightOf(c) })),
    ...r.checks.filter((c) => c.weight !== null || c.points !== null).map((c) => ({ id: c.id, w: weightOf(c) })),
  ];
  const total = items.reduce((a, i) => a + Math.max(0, i.w), 0);
  return new Map(items.map((i) => [i.id, total > 0 ? i.w / total : 0]));
}

/**
 * Adds the change of one field; objects of the same kind are compared key by key (so a judge
 * edit reads `judge.temperature: 0 → 0.7`), anything else whole. Strings get a word diff.
 */
function compare(changes: FieldChange[], name: string, before: unknown, after: unknown): void {
  if (same(before, after)) return;
  if (isPlain(before) && isPlain(after) && before.kind === after.kind) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (key !== "kind") compare(changes, `${name}.${key}`, before[key], after[key]);
    }
    return;
  }
  const textual =
    (typeof before === "string" || before == null) &&
    (typeof after === "string" || after == null) &&
    (before != null || after != null);
  const text = textual
    ? textChange((before as string | null | undefined) ?? "", (after as string | null | undefined) ?? "")
    : null;
  changes.push({ field: name, before: before ?? null, after: after ?? null, ...(text ? { text } : {}) });
}

function criterionChanges(a: CriterionIR, b: CriterionIR): FieldChange[] {
  const changes: FieldChange[] = [];
  if (a.id !== b.id) changes.push({ field: "id", before: a.id, after: b.id });
  compare(changes, "title", a.title, b.title);
  compare(changes, "description", a.description, b.description);
  compare(changes, "section", a.section, b.section);
  compare(changes, "kind", a.kind, b.kind);
  compare(changes, "weight", a.weight, b.weight);
  compare(changes, "points", a.points, b.points);
  const values = [...new Set([...a.levels, ...b.levels].map((l) => l.value))].sort((x, y) => x - y);
  for (const v of values)
    compare(
      changes,
      `level ${v}`,
      a.levels.find((l) => l.value === v)?.anchor ?? null,
      b.levels.find((l) => l.value === v)?.anchor ?? null,
    );
  compare(changes, "evidence", a.evidence, b.evidence);
  compare(changes, "on_evidence_failure", a.on_evidence_failure, b.on_evidence_failure);
  compare(changes, "tags", a.tags, b.tags);
  return changes;
}

const criterionText = (c: CriterionIR) => `${c.title} ${c.description} ${c.levels.map((l) => l.anchor).join(" ")}`;

function diffCriteria(a: RubricIR, b: RubricIR): CriterionDiff[] {
  const sa = effectiveShares(a);
  const sb = effectiveShares(b);
  const byIdB = new Map(b.criteria.map((c) => [c.id, c]));
  const idsA = new Set(a.criteria.map((c) => c.id));
  const goneA = a.criteria.filter((c) => !byIdB.has(c.id));
  const newB = b.criteria.filter((c) => !idsA.has(c.id));
  // Renames: the most similar (old, new) pairs first, each criterion used once.
  const rename = new Map<string, { to: CriterionIR; sim: number }>();
  if (goneA.length && newB.length) {
    const bagsB = newB.map((c) => wordBag(criterionText(c)));
    const pairs: { i: number; j: number; sim: number }[] = [];
    goneA.forEach((ca, i) => {
      const bag = wordBag(criterionText(ca));
      bagsB.forEach((bb, j) => {
        const sim = bagSimilarity(bag, bb);
        if (sim >= RENAME_SIMILARITY) pairs.push({ i, j, sim });
      });
    });
    pairs.sort((x, y) => y.sim - x.sim || x.i - y.i || x.j - y.j);
    const usedB = new Set<number>();
    for (const p of pairs) {
      if (rename.has(goneA[p.i]!.id) || usedB.has(p.j)) continue;
      usedB.add(p.j);
      rename.set(goneA[p.i]!.id, { to: newB[p.j]!, sim: p.sim });
    }
  }
  const renamedTo = new Set([...rename.values()].map((r) => r.to.id));
  const out: CriterionDiff[] = [];
  for (const ca of a.criteria) {
    const cb = byIdB.get(ca.id);
    const r = rename.get(ca.id);
    if (cb) {
      const changes = criterionChanges(ca, cb);
      out.push({
        id: ca.id,
        status: changes.length ? "changed" : "unchanged",
        share_before: sa.get(ca.id)!,
        share_after: sb.get(cb.id)!,
        changes,
      });
    } else if (r) {
      out.push({
        id: r.to.id,
        status: "renamed",
        renamed_from: ca.id,
        similarity: Math.round(r.sim * 1000) / 1000,
        share_before: sa.get(ca.id)!,
        share_after: sb.get(r.to.id)!,
        changes: criterionChanges(ca, r.to),
      });
    } else {
      out.push({ id: ca.id, status: "removed", share_before: sa.get(ca.id)!, share_after: null, changes: [] });
    }
  }
  for (const cb of newB)
    if (!renamedTo.has(cb.id))
      out.push({ id: cb.id, status: "added", share_before: null, share_after: sb.get(cb.id)!, changes: [] });
  return out;
}

function diffParts<T extends CheckIR | GateIR>(
  as: readonly T[],
  bs: readonly T[],
  shares?: [Map<string, number>, Map<string, number>],
): PartDiff[] {
  const byIdB = new Map(bs.map((x) => [x.id, x]));
  const idsA = new Set(as.map((x) => x.id));
  const share = (x: T, side: 0 | 1) =>
    shares ? { [side ? "share_after" : "share_before"]: shares[side].get(x.id) ?? null } : {};
  const out: PartDiff[] = [];
  for (const x of as) {
    const y = byIdB.get(x.id);
    if (!y) {
      out.push({ id: x.id, status: "removed", ...share(x, 0), changes: [] });
      continue;
    }
    const changes: FieldChange[] = [];
    for (const key of Object.keys(x) as (keyof T & string)[]) if (key !== "id") compare(changes, key, x[key], y[key]);
    if (changes.length) out.push({ id: x.id, status: "changed", ...share(x, 0), ...share(y, 1), changes });
  }
  for (const y of bs) if (!idsA.has(y.id)) out.push({ id: y.id, status: "added", ...share(y, 1), changes: [] });
  return out;
}

function rubricChanges(a: RubricIR, b: RubricIR): FieldChange[] {
  const changes: FieldChange[] = [];
  // Ids and versions are names, not prose: no word diff.
  if (a.id !== b.id) changes.push({ field: "id", before: a.id, after: b.id });
  if (a.version !== b.version) changes.push({ field: "version", before: a.version, after: b.version });
  compare(changes, "title", a.title, b.title);
  compare(changes, "description", a.description, b.description);
  compare(changes, "tags", a.tags, b.tags);
  compare(changes, "instructions", a.instructions, b.instructions);
  compare(changes, "mode", a.mode, b.mode);
  compare(changes, "scale", a.scale, b.scale);
  const inputs = new Set([...a.inputs, ...b.inputs].map((i) => i.name));
  for (const name of inputs)
    compare(
      changes,
      `input ${name}`,
      a.inputs.find((i) => i.name === name) ?? null,
      b.inputs.find((i) => i.name === name) ?? null,
    );
  compare(changes, "judge", a.judge, b.judge);
  compare(changes, "aggregation", a.aggregation, b.aggregation);
  compare(
    changes,
    "sections",
    a.sections.map((s) => s.title),
    b.sections.map((s) => s.title),
  );
  compare(changes, "template", a.template, b.template);
  compare(changes, "imports", a.imports, b.imports);
  return changes;
}

export function diffRubrics(a: RubricIR, b: RubricIR, opts: DiffOptions = {}): RubricDiff {
  const changes = rubricChanges(a, b);
  const criteria = diffCriteria(a, b);
  const checks = diffParts(a.checks, b.checks, [effectiveShares(a), effectiveShares(b)]);
  const gates = diffParts(a.gates, b.gates);
  const meaningful = changes.filter((c) => c.field !== "version");
  const all = [
    ...meaningful,
    ...criteria.flatMap((c) => c.changes),
    ...checks.flatMap((c) => c.changes),
    ...gates.flatMap((g) => g.changes),
  ];
  const count = (s: DiffStatus) => criteria.filter((c) => c.status === s).length;
  const structural =
    criteria.some((c) => c.status === "added" || c.status === "removed" || c.status === "renamed") ||
    [...checks, ...gates].some((p) => p.status !== "changed");
  const textChanges = all.filter(
    (c) => c.text !== undefined && typeof c.before === "string" && typeof c.after === "string",
  ).length;
  const diff: Omit<RubricDiff, "risk" | "verdict"> = {
    before: { id: a.id, version: a.version },
    after: { id: b.id, version: b.version },
    identical: all.length === 0 && !structural,
    text_only: !structural && all.length > 0 && textChanges === all.length,
    summary: {
      criteria_added: count("added"),
      criteria_removed: count("removed"),
      criteria_renamed: count("renamed"),
      criteria_changed: count("changed"),
      checks_changed: checks.length,
      gates_changed: gates.length,
      settings_changed: meaningful.filter((c) => c.text === undefined).length,
      text_changes: textChanges,
    },
    changes,
    criteria,
    checks,
    gates,
  };
  const risk = riskFindings(a, b, diff, opts.newSource);
  const verdict: RiskLevel = risk.some((f) => f.risk === "high") ? "high" : risk.length ? "low" : "none";
  return { ...diff, risk, verdict };
}
