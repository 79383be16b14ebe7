import { describe, expect, it } from "vitest";
import type { ConditionIR } from "../../src/compile/ir.js";
import type { CheckResult, CriterionOutcome } from "../../src/score/index.js";
import { applyActions, evaluateCondition, scoreItem } from "../../src/score/index.js";
import { base, criterion, fail, levels, lvl, met, outcomes, pass, rubric, unmet } from "./fixtures.js";

const crit = [criterion("b"), levels("l", 1, 4), criterion("c", { kind: "checklist" })];
const ctx = (os: CriterionOutcome[], checks: CheckResult[] = []) => ({
  criteria: new Map(crit.map((c) => [c.id, c])),
  outcomes: outcomes(...os),
  checks: new Map(checks.map((c) => [c.id, c])),
});
const isMet = (ref: string, negate = false): ConditionIR => ({ kind: "met", ref, negate });

describe("conditions", () => {
  it("read binary verdicts and checks", () => {
    expect(evaluateCondition(isMet("b"), ctx([met("b")]))).toBe(true);
    expect(evaluateCondition(isMet("b", true), ctx([unmet("b")]))).toBe(true);
    expect(evaluateCondition(isMet("b", true), ctx([met("b")]))).toBe(false);
    expect(evaluateCondition(isMet("k", true), ctx([], [fail("k")]))).toBe(true);
    expect(evaluateCondition(isMet("k"), ctx([], [pass("k")]))).toBe(true);
  });
  it("count levels and checklist as met only at their top value", () => {
    expect(evaluateCondition(isMet("l"), ctx([lvl("l", 4)]))).toBe(true);
    expect(evaluateCondition(isMet("l"), ctx([lvl("l", 3)]))).toBe(false);
    expect(evaluateCondition(isMet("l", true), ctx([lvl("l", 3)]))).toBe(true);
    expect(evaluateCondition(isMet("c"), ctx([lvl("c", 2)]))).toBe(true);
    expect(evaluateCondition(isMet("c"), ctx([lvl("c", 1)]))).toBe(false);
  });
  it("compare level values with each operator", () => {
    const at = (op: "<" | "<=" | ">" | ">=" | "==", value: number, level: number) =>
      evaluateCondition({ kind: "level", ref: "l", op, value }, ctx([lvl("l", level)]));
    expect([
      at("<", 2, 1),
      at("<", 2, 2),
      at("<=", 2, 2),
      at(">", 2, 2),
      at(">=", 2, 2),
      at("==", 2, 2),
      at("==", 2, 3),
    ]).toEqual([true, false, true, false, true, true, false]);
  });
  it("never fire on a reference with nothing to decide on, negated or not", () => {
    // unjudged, unknown, split vote, no level
    for (const c of [isMet("b"), isMet("b", true)]) expect(evaluateCondition(c, ctx([]))).toBe(false);
    expect(evaluateCondition(isMet("nope", true), ctx([]))).toBe(false);
    const tie: CriterionOutcome = { id: "b", verdict: "tie", level: null, evidence_ok: true };
    expect(evaluateCondition(isMet("b", true), ctx([tie]))).toBe(false);
    expect(evaluateCondition({ kind: "level", ref: "l", op: "<", value: 9 }, ctx([]))).toBe(false);
  });
  it("combine with and / or", () => {
    const both: ConditionIR = { kind: "and", operands: [isMet("b"), isMet("k", true)] };
    const either: ConditionIR = { kind: "or", operands: [isMet("b"), isMet("k", true)] };
    expect(evaluateCondition(both, ctx([met("b")], [pass("k")]))).toBe(false);
    expect(evaluateCondition(either, ctx([met("b")], [pass("k")]))).toBe(true);
    expect(evaluateCondition(both, ctx([met("b")], [fail("k")]))).toBe(true);
  });
});

describe("actions", () => {
  it("let the lowest set win, then every cap apply", () => {
    expect(
      applyActions(4, [
        { id: "g1", action: "fix", value: 3 },
        { id: "g2", action: "fix", value: 2 },
      ]),
    ).toBe(2);
    // a set replaces the aggregate, also upwards
    expect(applyActions(1, [{ id: "g", action: "fix", value: 3 }])).toBe(3);
    // but never above a cap that fired
    expect(
      applyActions(5, [
        { id: "s", action: "fix", value: 4 },
        { id: "c", action: "cap", value: 2 },
      ]),
    ).toBe(2);
    expect(
      applyActions(5, [
        { id: "c1", action: "cap", value: 4 },
        { id: "c2", action: "cap", value: 3 },
      ]),
    ).toBe(3);
    expect(applyActions(2, [{ id: "c", action: "cap", value: 4 }])).toBe(2);
  });
});

describe("gates in a compiled rubric", () => {
  const ir = rubric(`rubric t.g version 1.0.0
input essay "e", quotable
scale 1 to 6
criterion ideas "I" levels 1 "a" 2 "b" 3 "c" 4 "d" end end
criterion on_task "On task" binary weight 0 end
check long "Long" words of essay at least 50 end
gate off_topic when on_task is unmet set score to 1 end
gate weak when ideas level below 2 and long fails cap score at 2 end
gate thin when long fails cap score at 3 end`);
  it("fire in rubric order and combine as documented", () => {
    // ideas 4 → x = 1 → 6; long fails → thin caps at 3 (weak needs ideas < 2)
    const r = scoreItem(ir, ir.criteria, outcomes(lvl("ideas", 4), met("on_task")), [fail("long")]);
    expect(r.raw_score).toBe(3);
    expect(r.gates.map((g) => g.id)).toEqual(["thin"]);
    // ideas 1 and long fails → weak (cap 2) and thin (cap 3) both fire; x = 0 gives 1, below both caps
    const low = scoreItem(ir, ir.criteria, outcomes(lvl("ideas", 1), met("on_task")), [fail("long")]);
    expect(low.gates.map((g) => g.id)).toEqual(["weak", "thin"]);
    expect(low.raw_score).toBe(1);
    // off topic: set to 1 although ideas 4 gives 6
    const off = scoreItem(ir, ir.criteria, outcomes(lvl("ideas", 4), unmet("on_task")), [pass("long")]);
    expect(off.raw_score).toBe(1);
    expect(off.fired).toEqual([{ id: "off_topic", action: "fix", value: 1 }]);
  });
  it("cap a higher score by the lowest cap that fired", () => {
    const two = {
      ...ir,
      gates: ir.gates.map((g) =>
        g.id === "weak" ? { ...g, when: { kind: "met", ref: "long", negate: true } as const } : g,
      ),
    };
    // ideas 3 → x = 2/3 → 1 + 3.33 = 4.33 → 4; weak (2) and thin (3) fire → 2
    const r = scoreItem(two, ir.criteria, outcomes(lvl("ideas", 3), met("on_task")), [fail("long")]);
    expect(r.raw_score).toBe(2);
    expect(r.gates.map((g) => g.id)).toEqual(["weak", "thin"]);
  });
});

describe("gates on base rubrics", () => {
  it("use the gate value as given on a pass-or-fail scale", () => {
    const ir = base({
      scale: { kind: "pass_fail" },
      criteria: [criterion("a"), criterion("safe", { weight: 0 })],
      gates: [
        {
          id: "unsafe",
          title: "",
          when: { kind: "met", ref: "safe", negate: true },
          action: { kind: "fix", value: 0 },
        },
      ],
    });
    expect(scoreItem(ir, ir.criteria, outcomes(met("a"), met("safe")), []).raw_score).toBe(1);
    expect(scoreItem(ir, ir.criteria, outcomes(met("a"), unmet("safe")), []).raw_score).toBe(0);
  });
});
