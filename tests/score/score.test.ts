import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compile/index.js";
import type { RubricIR } from "../../src/compile/ir.js";
import { applyEvidencePolicy, combineJudgments, combineOrders, fromUnit, runCheck, scoreItem, tagScores, toScale, type CriterionOutcome } from "../../src/score/index.js";

function ir(src: string): RubricIR {
  const r = compileSource(src, "t.rubric");
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.ir;
}
const met = (id: string): CriterionOutcome => ({ id, verdict: "met", level: null, evidence_ok: true });
const unmet = (id: string): CriterionOutcome => ({ id, verdict: "unmet", level: null, evidence_ok: true });
const lvl = (id: string, level: number): CriterionOutcome => ({ id, verdict: null, level, evidence_ok: true });
const map = (...os: CriterionOutcome[]) => new Map(os.map((o) => [o.id, o]));

const POINTS = ir(`rubric t.p version 1.0.0
input response "r", quotable
scale 0 to 1 step 0.01
criterion a "A" binary points 10 end
criterion b "B" binary points 5 end
criterion harm "Harm" binary points -10 end
check short "Short" words of response at most 5 end
gate unsafe when harm is met cap score at 0.2 end
gate empty when short fails set score to 0 end
aggregate points`);

describe("scoreItem: points (HealthBench)", () => {
  it("is points earned over positive points possible", () => {
    // earned 10 + 0 − 0 = 10 of 15 → 0.666… → 0.67 on a 0.01 step
    const r = scoreItem(POINTS, POINTS.criteria, map(met("a"), unmet("b"), unmet("harm")), [{ id: "short", passed: true, detail: "" }]);
    expect(r.raw_score).toBe(0.67);
  });
  it("subtracts a met penalty, clips at 0, and applies the cap gate", () => {
    // earned 5 − 10 = −5 → clipped to 0; gate cap 0.2 does not raise it
    const r = scoreItem(POINTS, POINTS.criteria, map(unmet("a"), met("b"), met("harm")), [{ id: "short", passed: true, detail: "" }]);
    expect(r.raw_score).toBe(0);
    expect(r.fired.map((f) => f.id)).toEqual(["unsafe"]);
    // earned 10 + 5 − 10 = 5 of 15 → 0.33, then capped at 0.2 by the gate
    expect(scoreItem(POINTS, POINTS.criteria, map(met("a"), met("b"), met("harm")), [{ id: "short", passed: true, detail: "" }]).raw_score).toBe(0.2);
    // without the penalty the same answer keeps its 1.0
    expect(scoreItem(POINTS, POINTS.criteria, map(met("a"), met("b"), unmet("harm")), [{ id: "short", passed: true, detail: "" }]).raw_score).toBe(1);
  });
  it("lets a set-score gate win over caps", () => {
    const r = scoreItem(POINTS, POINTS.criteria, map(met("a"), met("b"), unmet("harm")), [{ id: "short", passed: false, detail: "" }]);
    expect(r.raw_score).toBe(0);
  });
  it("gives no score (and says why) when a criterion has no verdict", () => {
    const r = scoreItem(POINTS, POINTS.criteria, map(met("a")), []);
    expect(r.raw_score).toBeNull();
    expect(r.reason).toMatch(/`b`, `harm`/);
  });
});

const LEVELS = ir(`rubric t.l version 1.0.0
input essay "e", quotable
scale 1 to 6
criterion ideas "I" levels 1 "a" 2 "b" 3 "c" 4 "d" 5 "e" 6 "f" end weight 2 end
criterion style "S" levels 1 "a" 2 "b" 3 "c" 4 "d" end end
aggregate weighted mean
rounding half up`);

describe("scoreItem: weighted mean of levels", () => {
  it("maps normalised levels onto the scale", () => {
    // ideas 5 → (5−1)/5 = 0.8 (w 2); style 2 → 1/3 (w 1); x = (1.6 + 0.333…)/3 = 0.6444…
    // score = 1 + 0.6444… × 5 = 4.222… → 4
    expect(scoreItem(LEVELS, LEVELS.criteria, map(lvl("ideas", 5), lvl("style", 2)), []).raw_score).toBe(4);
    // ideas 6, style 3: x = (2 + 2/3)/3 = 0.888…, score 5.444… → 5
    expect(scoreItem(LEVELS, LEVELS.criteria, map(lvl("ideas", 6), lvl("style", 3)), []).raw_score).toBe(5);
  });
});

describe("rounding on the scale", () => {
  const half = { kind: "numeric", min: 1, max: 5, step: 0.5 } as const;
  it("works in units of the step, exactly", () => {
    expect(toScale(3.25, half, "half_up")).toBe(3.5);
    expect(toScale(3.25, half, "half_even")).toBe(3); // 4.5 steps → 4 (even) → 1 + 2 = 3
    expect(toScale(3.24, half, "half_up")).toBe(3);
    expect(toScale(3.26, half, "down")).toBe(3);
    expect(toScale(3.01, half, "up")).toBe(3.5);
    expect(toScale(9, half, "half_up")).toBe(5);
    expect(toScale(0.1 + 0.2, { kind: "numeric", min: 0, max: 1, step: 0.1 }, "half_up")).toBe(0.3);
  });
  it("maps x onto pass or fail", () => {
    expect(fromUnit(0.5, { kind: "pass_fail" }, "half_up")).toBe(1);
    expect(fromUnit(0.49, { kind: "pass_fail" }, "half_up")).toBe(0);
  });
});

describe("runCheck", () => {
  const check = (test: string, row: Record<string, unknown>) => {
    const r = ir(`rubric t.c version 1.0.0\ninput response "r"\ninput reference "x"\nscale 0 to 1\ncheck c ${test} end`);
    return runCheck(r.checks[0]!, row);
  };
  it("counts words and characters", () => {
    expect(check("words of response between 2 and 3", { response: " one two  three " }).passed).toBe(true);
    expect(check("words of response at most 2", { response: "one two three" }).detail).toBe("3 words");
    expect(check("characters of response at most 3", { response: "😀😀😀" }).passed).toBe(true);
  });
  it("matches patterns and text", () => {
    expect(check("response matches /\\d{3}-\\d{4}/", { response: "call 555-1234" }).passed).toBe(true);
    expect(check("response does not contain \"As an AI\" ignoring case", { response: "as an ai model" }).passed).toBe(false);
  });
  it("validates JSON, with a schema", () => {
    const withSchema = 'response is valid json matching """{"type":"object","required":["a"]}"""';
    expect(check(withSchema, { response: '{"a":1}' }).passed).toBe(true);
    expect(check(withSchema, { response: '{"b":1}' }).passed).toBe(false);
    expect(check("response is valid json", { response: "{oops" }).passed).toBe(false);
  });
  it("compares with a reference, as text or as numbers", () => {
    expect(check("response equals reference ignoring case ignoring whitespace", { response: " Paris  France", reference: "paris france" }).passed).toBe(true);
    expect(check("response equals reference as number within 0.5", { response: "about $1,234.2", reference: "1234" }).passed).toBe(true);
    expect(check("response equals reference as number", { response: "none", reference: "3" }).detail).toMatch(/no number/);
  });
  it("fails with a reason when an input is missing", () => {
    expect(check("response contains \"x\"", {}).detail).toBe("input `response` is missing");
  });
});

describe("combining judgments", () => {
  const scale = { kind: "numeric", min: 1, max: 5, step: 1 } as const;
  it("takes strict majorities, reports ties, and medians of scores", () => {
    const c = combineJudgments([
      { outcomes: map(met("a"), lvl("l", 2)), raw_score: 2 },
      { outcomes: map(unmet("a"), lvl("l", 3)), raw_score: 3 },
    ], scale, "half_up");
    expect(c.outcomes.get("a")!.verdict).toBe("tie");
    expect(c.outcomes.get("l")!.level).toBe(2.5);
    expect(c.raw_score).toBe(3); // median 2.5 → half up → 3
    expect(c.spread.raw_score_range).toBe(1);
    const three = combineJudgments([2, 4, 4].map((s, i) => ({ outcomes: map(i ? met("a") : unmet("a")), raw_score: s })), scale, "half_up");
    expect(three.outcomes.get("a")!.verdict).toBe("met");
    expect(three.raw_score).toBe(4);
    expect(three.spread.agreement.a).toBeCloseTo(2 / 3);
  });
  it("makes order-inconsistent pairs ties, flagged when the rubric says so", () => {
    const mode = { kind: "pairwise", compare: ["a", "b"], swap: true, ties: true, inconsistent: "flag" } as const;
    expect(combineOrders("A", "A", mode)).toEqual({ preferred: "A", consistent: true, flags: [] });
    expect(combineOrders("A", "B", mode)).toEqual({ preferred: "tie", consistent: false, flags: ["position-inconsistent"] });
  });
});

describe("evidence policies", () => {
  it("fail closed, flag, or cap", () => {
    const c = POINTS.criteria[0]!;
    const o = { ...met("a"), evidence_ok: false };
    expect(applyEvidencePolicy(c, o, false).outcome.verdict).toBe("unmet");
    expect(applyEvidencePolicy({ ...c, on_evidence_failure: { kind: "flag" } }, o, false)).toMatchObject({ fired: "flag", outcome: { verdict: "met" } });
    expect(applyEvidencePolicy({ ...c, on_evidence_failure: { kind: "cap", value: 0.5 } }, o, false).cap).toEqual({ id: "evidence:a", action: "cap", value: 0.5 });
    expect(applyEvidencePolicy(c, met("a"), false).fired).toBeNull();
  });
});

describe("per-tag sub-scores", () => {
  it("apply the aggregation to each tag's criteria alone", () => {
    const crit = (id: string, points: number, tags: string[]) => ({ ...POINTS.criteria[0]!, id, points, weight: null, tags });
    const cs = [crit("x", 10, ["axis:accuracy"]), crit("y", 5, ["axis:accuracy", "axis:completeness"]), crit("z", -5, ["axis:completeness"])];
    const r = scoreItem({ ...POINTS, criteria: cs, gates: [], checks: [] }, cs, map(met("x"), unmet("y"), met("z")), []);
    // accuracy: (10 + 0) / 15; completeness: (0 − 5) / 5 → clipped to 0
    expect(tagScores(cs, r.breakdown)).toEqual({ "axis:accuracy": { score: 0.666667, criteria: 2 }, "axis:completeness": { score: 0, criteria: 2 } });
  });
});
