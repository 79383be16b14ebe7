/**
 * The changed hunks of a rubric edit, sentence by sentence (meaning.ts alignment): what an
 * auditing model is asked about. A hunk has the text before, after, or both, and where it is.
 */
import type { RubricIR } from "../compile/ir.js";
import type { RubricDiff } from "./diff.js";
import { meaningChanges } from "./meaning.js";
import { textUnits } from "./risk.js";

export interface Hunk {
  readonly where: string;
  readonly before: string | null;
  readonly after: string | null;
}

const SENTENCE_KINDS = new Set([
  "reworded",
  "rule-changed",
  "decision-rule-added",
  "value-statement-added",
  "sentence-added",
  "prose-removed",
  "sentence-removed",
]);
const REMOVALS = new Set(["prose-removed", "sentence-removed"]);

export function changedHunks(a: RubricIR, b: RubricIR, diff: Pick<RubricDiff, "criteria">): Hunk[] {
  const renamedTo = new Map(diff.criteria.filter((c) => c.renamed_from).map((c) => [c.renamed_from!, c.id]));
  const before = textUnits(a, (id) => renamedTo.get(id) ?? id);
  const after = textUnits(b);
  const context = {
    oldAll: [...before.values()].map((u) => u.text).join("\n"),
    newAll: [...after.values()].map((u) => u.text).join("\n"),
  };
  const out: Hunk[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const o = before.get(key);
    const n = after.get(key);
    if (o?.text === n?.text) continue;
    if (!o || !n) {
      out.push({ where: (n ?? o)!.where, before: o?.text ?? null, after: n?.text ?? null });
      continue;
    }
    for (const m of meaningChanges(o.text, n.text, context)) {
      if (!SENTENCE_KINDS.has(m.kind)) continue;
      out.push({
        where: n.where,
        before: REMOVALS.has(m.kind) ? m.text : (m.before ?? null),
        after: REMOVALS.has(m.kind) ? null : m.text,
      });
    }
  }
  return out;
}
