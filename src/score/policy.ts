/** What a criterion whose required evidence did not verify becomes, under the rubric's policy. */
import type { CriterionIR } from "../compile/ir.js";
import type { CriterionOutcome, Fired } from "./types.js";

export interface PolicyResult {
  readonly outcome: CriterionOutcome;
  /** Which policy fired, for the record; null when the evidence was fine. */
  readonly fired: "unmet" | "flag" | "cap" | "retry-then-unmet" | null;
  readonly cap?: Fired;
}

function failClosed(c: CriterionIR, o: CriterionOutcome): CriterionOutcome {
  if (c.kind === "binary") return { ...o, verdict: o.verdict === "A" || o.verdict === "B" || o.verdict === "tie" ? "tie" : "unmet" };
  const lowest = c.kind === "checklist" ? 0 : Math.min(...c.levels.map((l) => l.value));
  return { ...o, level: lowest };
}

/** `retry` is the executor's job (it judges once more); if it still fails we fail closed. */
export function applyEvidencePolicy(c: CriterionIR, o: CriterionOutcome, retried: boolean): PolicyResult {
  if (o.evidence_ok) return { outcome: o, fired: null };
  switch (c.on_evidence_failure.kind) {
    case "unmet": return { outcome: failClosed(c, o), fired: "unmet" };
    case "retry": return { outcome: failClosed(c, o), fired: retried ? "retry-then-unmet" : "unmet" };
    case "flag": return { outcome: o, fired: "flag" };
    case "cap": return { outcome: o, fired: "cap", cap: { id: `evidence:${c.id}`, action: "cap", value: c.on_evidence_failure.value } };
  }
}
