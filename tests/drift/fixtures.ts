/** Hand-built rubric IR for diff tests: every field filled, overrides by spread. */
import type { CheckIR, CriterionIR, GateIR, RubricIR } from "../../src/compile/ir.js";
import type { Rec } from "../../src/drift/index.js";

export function criterion(id: string, over: Partial<CriterionIR> = {}): CriterionIR {
  return {
    id,
    title: `Title of ${id}`,
    description: `Does the response handle ${id} well?`,
    section: null,
    kind: "binary",
    levels: [],
    weight: 1,
    points: null,
    evidence: { min_quotes: 0, max_quotes: null, max_words: null, from: ["response"] },
    on_evidence_failure: { kind: "unmet" },
    tags: [],
    ...over,
  };
}

export function check(id: string, over: Partial<CheckIR> = {}): CheckIR {
  return {
    id,
    title: `Check ${id}`,
    section: null,
    test: { kind: "count", input: "response", unit: "words", min: 10, max: 500 },
    weight: null,
    points: null,
    ...over,
  };
}

export function gate(id: string, over: Partial<GateIR> = {}): GateIR {
  return {
    id,
    title: `Gate ${id}`,
    when: { kind: "met", ref: "safety", negate: true },
    action: { kind: "cap", value: 1 },
    ...over,
  };
}

export function rubric(over: Partial<RubricIR> = {}): RubricIR {
  return {
    id: "t.rubric",
    version: "1.0.0",
    title: "A test rubric",
    description: "",
    tags: [],
    mode: { kind: "pointwise" },
    inputs: [
      { name: "prompt", description: "The question", quotable: false },
      { name: "response", description: "The answer", quotable: true },
    ],
    scale: { kind: "numeric", min: 1, max: 5, step: 1 },
    instructions: "Judge the response on each criterion. Do not let the length of the response influence you.",
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
    criteria: [criterion("accuracy", { weight: 2 }), criterion("clarity"), criterion("safety")],
    checks: [],
    gates: [],
    aggregation: { method: "weighted_mean", rounding: "half_up" },
    template: null,
    imports: [],
    ...over,
  };
}

/** Replace one criterion (by id) in a rubric. */
export function withCriterion(r: RubricIR, id: string, over: Partial<CriterionIR>): RubricIR {
  return { ...r, criteria: r.criteria.map((c) => (c.id === id ? { ...c, ...over } : c)) };
}

const SCALE = { kind: "numeric", min: 1, max: 5, step: 1 };

// Records as `rulers judge` writes them: they must pass the run-record contract (src/record).
const BUNDLE = { id: "t", version: "1", hash: `sha256:${"0".repeat(64)}` };
const JUDGE = {
  base_url_host: "127.0.0.1",
  model: "m",
  requested_model: "m",
  system_fingerprint: null,
  temperature: 0,
  seed: null,
  samples: 1,
  format: "json_schema",
};
let line = 0;

/** A pointwise run record. */
export function pointRec(id: string, score: number | null, extra: Record<string, unknown> = {}): Rec {
  return {
    item_id: id,
    line: ++line,
    bundle: BUNDLE,
    judge: JUDGE,
    scale: SCALE,
    raw_score: score,
    flags: [],
    ...extra,
  };
}

/** A pairwise run record. */
export function pairRec(id: string, preferred: "A" | "B" | "tie", extra: Record<string, unknown> = {}): Rec {
  return {
    item_id: id,
    line: ++line,
    bundle: BUNDLE,
    judge: JUDGE,
    preferred,
    raw_score: preferred === "A" ? 1 : preferred === "B" ? 0 : 0.5,
    flags: [],
    ...extra,
  };
}
