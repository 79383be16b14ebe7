/**
 * What a criterion whose required evidence did not verify becomes, under its policy
 * (grammar/spec.md §Evidence): `unmet` fails closed (binary unmet, lowest level, checklist 0; a
 * pairwise verdict becomes a tie, as unsupported evidence prefers neither side); `flag` keeps the
 * verdict and adds the flag `evidence-unverified:<id>`; `cap` keeps the verdict and caps the final
 * score at the policy's value (applied by scoreItem like a gate cap); `retry` is the executor's job
 * (it judges once more) and a criterion that reaches scoring still failing fails closed, reported
 * as `retry-then-unmet` when the retry happened.
 */
import type { CriterionIR } from "../compile/ir.js";
import { extend } from "../util/extend.js";
import type { CriterionOutcome, Fired } from "./types.js";
import { levelRange } from "./value.js";

export interface PolicyResult {
  readonly outcome: CriterionOutcome;
  /** Which policy fired, for the record; null when the evidence was fine. */
  readonly fired: "unmet" | "flag" | "cap" | "retry-then-unmet" | null;
  /** For `cap`: the cap to pass to scoreItem, id `evidence:<criterion>`. */
  readonly cap?: Fired;
}

function failClosed(c: CriterionIR, o: CriterionOutcome): CriterionOutcome {
  if (c.kind === "binary")
    return extend(o, { verdict: o.verdict === "A" || o.verdict === "B" || o.verdict === "tie" ? "tie" : "unmet" });
  return extend(o, { level: levelRange(c)[0] });
}

export function applyEvidencePolicy(c: CriterionIR, o: CriterionOutcome, retried = false): PolicyResult {
  if (o.evidence_ok) return { outcome: o, fired: null };
  const policy = c.on_evidence_failure;
  switch (policy.kind) {
    case "unmet":
      return { outcome: failClosed(c, o), fired: "unmet" };
    case "retry":
      return { outcome: failClosed(c, o), fired: retried ? "retry-then-unmet" : "unmet" };
    case "flag":
      return { outcome: extend(o, { flags: [...(o.flags ?? []), `evidence-unverified:${c.id}`] }), fired: "flag" };
    case "cap":
      return { outcome: o, fired: "cap", cap: { id: `evidence:${c.id}`, action: "cap", value: policy.value } };
  }
}
