import { describe, expect, it } from "vitest";
import { scoreHolistic, scoreItem, tagScores } from "../../src/score/index.js";
import { base, check, criterion, fail, levels, lvl, met, outcomes, pass, rubric, unmet } from "./fixtures.js";

const POINTS = rubric(`rubric t.p version 1.0.0
input response "r", quotable
scale 0 to 1 step 0.01
criterion a "A" binary points 10 end
criterion b "B" binary points 5 end
criterion harm "Harm" binary points -10 end
check short "Short" words of response at most 5 end
gate unsafe when harm is met cap score at 0.2 end
gate empty when short fails set score to 0 end
aggregate points`);
const ok = [pass("short")];

describe("points (HealthBench)", () => {
  it("is points earned over positive points possible, with contributions adding up to x", () => {
    // earned 10 + 0 − 0 = 10 of 15 → 0.666… → 66.67 units of 0.01 → 0.67
    const r = scoreItem(POINTS, POINTS.criteria, outcomes(met("a"), unmet("b"), unmet("harm")), ok);
    expect(r.raw_score).toBe(0.67);
    expect(r.normalized).toBeCloseTo(2 / 3, 12);
    // the check has no weight, so it is not in the breakdown
    expect(r.breakdown.map((b) => [b.id, b.weight, b.value])).toEqual([
      ["a", 10, 1],
      ["b", 5, 0],
      ["harm", -10, 0],
    ]);
    expect(r.breakdown[0]!.contribution).toBeCloseTo(10 / 15, 12);
    expect(r.gates).toEqual([]);
  });
  it("subtracts a met penalty, clips at 0, and applies the cap gate", () => {
    // earned 5 − 10 = −5 → clipped to 0; the cap at 0.2 does not raise it
    const low = scoreItem(POINTS, POINTS.criteria, outcomes(unmet("a"), met("b"), met("harm")), ok);
    expect(low.raw_score).toBe(0);
    expect(low.normalized).toBe(0);
    expect(low.gates).toEqual([{ id: "unsafe", action: "cap", value: 0.2 }]);
    // earned 10 + 5 − 10 = 5 of 15 → 0.33, then capped at 0.2
    expect(scoreItem(POINTS, POINTS.criteria, outcomes(met("a"), met("b"), met("harm")), ok).raw_score).toBe(0.2);
    // without the penalty the same answer keeps its 1
    expect(scoreItem(POINTS, POINTS.criteria, outcomes(met("a"), met("b"), unmet("harm")), ok).raw_score).toBe(1);
  });
  it("lets a set-score gate replace the aggregate", () => {
    const r = scoreItem(POINTS, POINTS.criteria, outcomes(met("a"), met("b"), unmet("harm")), [fail("short")]);
    expect(r.raw_score).toBe(0);
    expect(r.fired).toEqual([{ id: "empty", action: "fix", value: 0 }]);
  });
  it("gives no score, with the reason, when a criterion or weighted check has no verdict", () => {
    const r = scoreItem(POINTS, POINTS.criteria, outcomes(met("a"), met("harm")), ok);
    expect(r.raw_score).toBeNull();
    expect(r.reason).toBe("no usable verdict for `b`");
    // the gates that fired are still reported
    expect(r.gates.map((g) => g.id)).toEqual(["unsafe"]);
    const weighted = base({
      criteria: [criterion("a")],
      checks: [check("len", { kind: "count", input: "response", unit: "words", min: 1, max: null }, { weight: 1 })],
    });
    expect(scoreItem(weighted, weighted.criteria, outcomes(met("a")), []).reason).toBe("no usable verdict for `len`");
  });
  it("treats a level given to a binary criterion as no verdict", () => {
    expect(scoreItem(POINTS, POINTS.criteria, outcomes(lvl("a", 1), met("b"), unmet("harm")), ok).reason).toBe(
      "no usable verdict for `a`",
    );
  });
});

const LEVELS = rubric(`rubric t.l version 1.0.0
input essay "e", quotable
scale 1 to 6
criterion ideas "I" levels 1 "a" 2 "b" 3 "c" 4 "d" 5 "e" 6 "f" end weight 2 end
criterion style "S" levels 1 "a" 2 "b" 3 "c" 4 "d" end end
aggregate weighted mean
rounding half up`);

describe("weighted mean", () => {
  it("normalises each criterion over its own levels", () => {
    // ideas 5 → (5−1)/5 = 0.8 (w 2); style 2 → 1/3 (w 1); x = (1.6 + 0.333…)/3 = 0.6444…
    // score = 1 + 0.6444… × 5 = 4.222… → 4
    expect(scoreItem(LEVELS, LEVELS.criteria, outcomes(lvl("ideas", 5), lvl("style", 2)), []).raw_score).toBe(4);
    // ideas 6, style 3: x = (2 + 2/3)/3 = 0.888…, score 5.444… → 5
    expect(scoreItem(LEVELS, LEVELS.criteria, outcomes(lvl("ideas", 6), lvl("style", 3)), []).raw_score).toBe(5);
  });
  it("counts checklist items as 0, ½, 1 and weighted checks as 0 or 1", () => {
    const ir = base({
      criteria: [criterion("c", { kind: "checklist" }), criterion("b")],
      checks: [
        check(
          "k",
          { kind: "contains", input: "response", text: "x", ignore_case: false, negate: false },
          { weight: 2 },
        ),
        check("gate_only", { kind: "contains", input: "response", text: "y", ignore_case: false, negate: false }),
      ],
    });
    // c 1 → ½ (w 1), b met → 1 (w 1), k failed → 0 (w 2): x = 1.5 / 4 = 0.375 → 1 + 1.5 = 2.5 → half up 3
    const r = scoreItem(ir, ir.criteria, outcomes(lvl("c", 1), met("b")), [fail("k"), pass("gate_only")]);
    expect(r.normalized).toBe(0.375);
    expect(r.raw_score).toBe(3);
    expect(r.breakdown.map((b) => b.id)).toEqual(["c", "b", "k"]);
    // the same x under `down`: 1.5 units → 1 → score 2
    const down = { ...ir, aggregation: { method: "weighted_mean", rounding: "down" } } as const;
    expect(
      scoreItem(down, ir.criteria, outcomes(lvl("c", 1), met("b")), [fail("k"), pass("gate_only")]).raw_score,
    ).toBe(2);
  });
  it("leaves weight-0 criteria out of the ratio", () => {
    const ir = base({ criteria: [criterion("z", { weight: 0 }), criterion("a")] });
    // only a counts: x = 1 → 5, whatever z says; z stays in the breakdown, in place, adding 0
    const r = scoreItem(ir, ir.criteria, outcomes(met("a"), unmet("z")), []);
    expect(r.raw_score).toBe(5);
    expect(r.breakdown.map((b) => [b.id, b.contribution])).toEqual([
      ["z", 0],
      ["a", 1],
    ]);
  });
  it("maps onto pass or fail by rounding x", () => {
    const ir = base({ scale: { kind: "pass_fail" }, criteria: [criterion("a"), criterion("b")] });
    // x = ½ passes under half up
    expect(scoreItem(ir, ir.criteria, outcomes(met("a"), unmet("b")), []).raw_score).toBe(1);
    expect(scoreItem(ir, ir.criteria, outcomes(unmet("a"), unmet("b")), []).raw_score).toBe(0);
  });
  it("accepts outcomes as a list", () => {
    expect(scoreItem(LEVELS, LEVELS.criteria, [lvl("ideas", 6), lvl("style", 4)], []).raw_score).toBe(6);
  });
});

describe("minimum", () => {
  const ir = base({
    aggregation: { method: "minimum", rounding: "half_up" },
    criteria: [
      levels("l", 1, 5),
      criterion("b"),
      criterion("harm", { weight: null, points: -1 }),
      criterion("z", { weight: 0 }),
    ],
  });
  it("takes the worst item, a met penalty counting as 0", () => {
    // l 4 → 0.75, b met → 1, harm unmet → 1 − 0 = 1, z (weight 0) left out: x = 0.75 → 1 + 3 = 4
    const r = scoreItem(ir, ir.criteria, outcomes(lvl("l", 4), met("b"), unmet("harm"), unmet("z")), []);
    expect(r.raw_score).toBe(4);
    expect(r.breakdown.map((b) => [b.id, b.contribution])).toEqual([
      ["l", 0.75],
      ["b", 0],
      ["harm", 0],
      ["z", 0],
    ]);
    // harm met → 1 − 1 = 0: x = 0 → 1
    expect(scoreItem(ir, ir.criteria, outcomes(lvl("l", 5), met("b"), met("harm"), met("z")), []).raw_score).toBe(1);
  });
});

describe("sum", () => {
  const ir = base({
    scale: { kind: "numeric", min: 0, max: 20, step: 1 },
    aggregation: { method: "sum", rounding: "half_up" },
    criteria: [
      levels("l", 1, 4, { weight: 2 }),
      criterion("b", { weight: null, points: 3 }),
      criterion("c", { kind: "checklist" }),
      criterion("pen", { weight: null, points: -4 }),
    ],
    checks: [
      check("k", { kind: "contains", input: "response", text: "x", ignore_case: false, negate: false }, { points: 2 }),
    ],
  });
  it("adds level × weight, met points, checklist values and passed checks", () => {
    // l 3 × 2 = 6, b met 3, c 2 × 1 = 2, pen met −4, k passed 2 → 9
    const r = scoreItem(ir, ir.criteria, outcomes(lvl("l", 3), met("b"), lvl("c", 2), met("pen")), [pass("k")]);
    expect(r.raw_score).toBe(9);
    expect(r.normalized).toBeNull();
    expect(r.breakdown.map((b) => b.contribution)).toEqual([6, 3, 2, -4, 2]);
  });
  it("clamps to the scale and rounds a half-level median", () => {
    // l 1 × 2 = 2, b unmet 0, c 0, pen met −4, k failed 0 → −2 → clamped to 0
    expect(
      scoreItem(ir, ir.criteria, outcomes(lvl("l", 1), unmet("b"), lvl("c", 0), met("pen")), [fail("k")]).raw_score,
    ).toBe(0);
    const small = { ...ir, scale: { kind: "numeric", min: 0, max: 5, step: 1 } } as const;
    // 4 × 2 + 3 + 2 + 2 = 15 → clamped to 5
    expect(
      scoreItem(small, ir.criteria, outcomes(lvl("l", 4), met("b"), lvl("c", 2), unmet("pen")), [pass("k")]).raw_score,
    ).toBe(5);
    // l 2.5 (a median of samples) × 2 = 5, plus c 0.5 (median of 0 and 1) = 5.5 → half up 6, half even 6, down 5
    const half = outcomes(lvl("l", 2.5), unmet("b"), lvl("c", 0.5), unmet("pen"));
    expect(scoreItem(ir, ir.criteria, half, [fail("k")]).raw_score).toBe(6);
    expect(
      scoreItem({ ...ir, aggregation: { method: "sum", rounding: "down" } }, ir.criteria, half, [fail("k")]).raw_score,
    ).toBe(5);
  });
});

describe("nothing to score", () => {
  it("gives null with a reason, never the scale's minimum", () => {
    const empty = base();
    expect(scoreItem(empty, [], outcomes(), [])).toMatchObject({
      raw_score: null,
      reason: "nothing to score: no criterion or weighted check has a non-zero weight",
    });
    const zero = base({ criteria: [criterion("a", { weight: 0 })] });
    expect(scoreItem(zero, zero.criteria, outcomes(met("a")), []).raw_score).toBeNull();
    const sum = { ...zero, aggregation: { method: "sum", rounding: "half_up" } } as const;
    expect(scoreItem(sum, zero.criteria, outcomes(met("a")), []).raw_score).toBeNull();
    const penalties = base({ criteria: [criterion("p", { weight: null, points: -2 })] });
    expect(scoreItem(penalties, penalties.criteria, outcomes(unmet("p")), [])).toMatchObject({
      raw_score: null,
      reason: "nothing to score: no criterion or weighted check has a positive weight",
    });
  });
});

describe("evidence caps and flags", () => {
  it("apply caps like gate caps and collect outcome flags", () => {
    const ir = base({ criteria: [criterion("a"), criterion("b")] });
    const flagged = { ...met("b"), flags: ["evidence-unverified:b"] };
    // x = 1 → 5, capped at 3 by failed evidence on a
    const r = scoreItem(
      ir,
      ir.criteria,
      outcomes(met("a"), flagged),
      [],
      [{ id: "evidence:a", action: "cap", value: 3 }],
    );
    expect(r.raw_score).toBe(3);
    expect(r.caps).toEqual([{ id: "evidence:a", action: "cap", value: 3 }]);
    expect(r.gates).toEqual([]);
    expect(r.flags).toEqual(["evidence-unverified:b"]);
  });
});

describe("scoreHolistic", () => {
  const ir = base({
    checks: [check("short", { kind: "count", input: "response", unit: "words", min: 50, max: null })],
    gates: [
      {
        id: "too_short",
        title: "",
        when: { kind: "met", ref: "short", negate: true },
        action: { kind: "cap", value: 2 },
      },
    ],
  });
  it("snaps the judge's score to the scale and applies gates over checks", () => {
    // 4.4 → 4; 4.5 → half up 5
    expect(scoreHolistic(ir, 4.4, [pass("short")]).raw_score).toBe(4);
    expect(scoreHolistic(ir, 4.5, [pass("short")]).raw_score).toBe(5);
    const capped = scoreHolistic(ir, 4.4, [fail("short")]);
    expect(capped.raw_score).toBe(2);
    expect(capped.gates).toEqual([{ id: "too_short", action: "cap", value: 2 }]);
  });
  it("gives no score when the judge gave none", () => {
    expect(scoreHolistic(ir, Number.NaN, [pass("short")])).toMatchObject({
      raw_score: null,
      reason: "the judge gave no usable score",
    });
    expect(scoreHolistic(ir, undefined, [pass("short")]).raw_score).toBeNull();
  });
  it("aggregates the judge's score with weighted checks as one item", () => {
    const weighted = base({
      checks: [
        check(
          "k",
          { kind: "contains", input: "response", text: "x", ignore_case: false, negate: false },
          { weight: 1 },
        ),
      ],
    });
    // judged 3 on 1..5 → v = 0.5; k passed → 1: x = 0.75 → 1 + 3 = 4
    const r = scoreHolistic(weighted, 3, [pass("k")]);
    expect(r.raw_score).toBe(4);
    expect(r.breakdown.map((b) => [b.id, b.value])).toEqual([
      ["overall", 0.5],
      ["k", 1],
    ]);
  });
});

describe("per-tag sub-scores", () => {
  it("apply the ratio to each tag's criteria alone", () => {
    const cs = [
      criterion("x", { weight: null, points: 10, tags: ["axis:accuracy"] }),
      criterion("y", { weight: null, points: 5, tags: ["axis:accuracy", "axis:completeness"] }),
      criterion("z", { weight: null, points: -5, tags: ["axis:completeness"] }),
    ];
    const ir = base({ criteria: cs, aggregation: { method: "points", rounding: "half_up" } });
    const r = scoreItem(ir, cs, outcomes(met("x"), unmet("y"), met("z")), []);
    // accuracy: (10 + 0) / 15; completeness: (0 − 5) / 5 → clipped to 0
    expect(tagScores(cs, r.breakdown)).toEqual({
      "axis:accuracy": { score: 0.666667, criteria: 2 },
      "axis:completeness": { score: 0, criteria: 2 },
    });
  });
});
