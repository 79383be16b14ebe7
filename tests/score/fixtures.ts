/** Small builders for score tests: rubrics from source, outcomes and check results by hand. */
import { compileSource } from "../../src/compile/index.js";
import type { CheckIR, CheckTest, CriterionIR, RubricIR } from "../../src/compile/ir.js";
import type { CheckResult, CriterionOutcome } from "../../src/score/index.js";

export function rubric(src: string): RubricIR {
  const r = compileSource(src, "t.rubric");
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.ir;
}

export const met = (id: string): CriterionOutcome => ({ id, verdict: "met", level: null, evidence_ok: true });
export const unmet = (id: string): CriterionOutcome => ({ id, verdict: "unmet", level: null, evidence_ok: true });
export const lvl = (id: string, level: number): CriterionOutcome => ({ id, verdict: null, level, evidence_ok: true });
export const vote = (id: string, verdict: "A" | "B" | "tie"): CriterionOutcome => ({
  id,
  verdict,
  level: null,
  evidence_ok: true,
});
export const outcomes = (...os: CriterionOutcome[]) => new Map(os.map((o) => [o.id, o]));
export const pass = (id: string): CheckResult => ({ id, passed: true, detail: "" });
export const fail = (id: string): CheckResult => ({ id, passed: false, detail: "" });

const evidence = { min_quotes: 0, max_quotes: null, max_words: null, from: [] };

export function criterion(id: string, over: Partial<CriterionIR> = {}): CriterionIR {
  return {
    id,
    title: id,
    description: "",
    section: null,
    kind: "binary",
    levels: [],
    weight: 1,
    points: null,
    evidence,
    on_evidence_failure: { kind: "unmet" },
    tags: [],
    ...over,
  };
}

export function levels(id: string, lo: number, hi: number, over: Partial<CriterionIR> = {}): CriterionIR {
  const ls = Array.from({ length: hi - lo + 1 }, (_, i) => ({ value: lo + i, anchor: `level ${lo + i}` }));
  return criterion(id, { kind: "levels", levels: ls, ...over });
}

export function check(id: string, test: CheckTest, over: Partial<CheckIR> = {}): CheckIR {
  return { id, title: id, section: null, test, weight: null, points: null, ...over };
}

/** A pointwise rubric on 1..5 step 1, weighted mean, half up, unless told otherwise. */
export function base(over: Partial<RubricIR> = {}): RubricIR {
  return {
    id: "t",
    version: "1.0.0",
    title: "t",
    description: "",
    tags: [],
    mode: { kind: "pointwise" },
    inputs: [{ name: "response", description: "", quotable: true }],
    scale: { kind: "numeric", min: 1, max: 5, step: 1 },
    instructions: "",
    judge: {
      temperature: 0,
      samples: 1,
      seed: null,
      max_tokens: null,
      order: "evidence_first",
      quote_match: 0.9,
      on_evidence_failure: { kind: "unmet" },
    },
    sections: [],
    criteria: [],
    checks: [],
    gates: [],
    aggregation: { method: "weighted_mean", rounding: "half_up" },
    template: null,
    imports: [],
    ...over,
  };
}
