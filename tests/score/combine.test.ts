import { describe, expect, it } from "vitest";
import { combinePanel, combineSamples, median, strictMajority } from "../../src/score/index.js";
import { lvl, met, outcomes, unmet } from "./fixtures.js";

const scale = { kind: "numeric", min: 1, max: 5, step: 1 } as const;

describe("strictMajority and median", () => {
  it("need more than half the votes", () => {
    expect(strictMajority(["met", "met", "unmet"])).toBe("met");
    expect(strictMajority(["met", "unmet"])).toBe("tie");
    expect(strictMajority(["A", "B", "tie"])).toBe("tie");
    expect(strictMajority([])).toBeNull();
  });
  it("take the exact median", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe("combineSamples", () => {
  it("reports an even split as a tie and the exact median level", () => {
    const c = combineSamples(
      [
        { outcomes: outcomes(met("a"), lvl("l", 2)), raw_score: 2 },
        { outcomes: outcomes(unmet("a"), lvl("l", 3)), raw_score: 3 },
      ],
      scale,
      "half_up",
    );
    expect(c.outcomes.get("a")!.verdict).toBe("tie");
    expect(c.outcomes.get("l")!.level).toBe(2.5);
    // median score 2.5 → half up → 3 (half even would give 2)
    expect(c.raw_score).toBe(3);
    expect(
      combineSamples(
        [
          { outcomes: outcomes(), raw_score: 2 },
          { outcomes: outcomes(), raw_score: 3 },
        ],
        scale,
        "half_even",
      ).raw_score,
    ).toBe(2);
    // sd of {2, 3} = √0.5 ≈ 0.707107
    expect(c.spread).toEqual({
      raw_score_sd: Number(Math.SQRT1_2.toFixed(6)),
      raw_score_range: 1,
      agreement: { a: 0.5, l: 0.5 },
    });
  });
  it("is the same whatever order the samples come in", () => {
    const s = [
      { outcomes: outcomes(met("a"), lvl("l", 4)), raw_score: 4 },
      { outcomes: outcomes(unmet("a"), lvl("l", 1)), raw_score: 2 },
      { outcomes: outcomes(met("a"), lvl("l", 4)), raw_score: 4 },
    ];
    const fwd = combineSamples(s, scale, "half_up");
    const rev = combineSamples([...s].reverse(), scale, "half_up");
    expect(fwd.outcomes.get("a")!.verdict).toBe("met");
    expect(fwd.outcomes.get("l")!.level).toBe(4);
    expect(fwd.raw_score).toBe(4);
    // 2 of 3 agree with met, 2 of 3 with level 4
    expect(fwd.spread.agreement).toEqual({ a: 2 / 3, l: 2 / 3 });
    expect([...rev.outcomes.values()]).toEqual([...fwd.outcomes.values()]);
    expect(rev.raw_score).toBe(fwd.raw_score);
  });
  it("combines evidence by majority and keeps every flag", () => {
    const c = combineSamples(
      [
        { outcomes: outcomes({ ...met("a"), evidence_ok: false, flags: ["evidence-unverified:a"] }), raw_score: 5 },
        { outcomes: outcomes(met("a")), raw_score: 5 },
      ],
      scale,
      "half_up",
    );
    // 1 of 2 ok is not a majority
    expect(c.outcomes.get("a")).toEqual({
      id: "a",
      verdict: "met",
      level: null,
      evidence_ok: false,
      flags: ["evidence-unverified:a"],
    });
  });
  it("gives no score when fewer than half the samples scored", () => {
    const c = combineSamples(
      [
        { outcomes: outcomes(), raw_score: 3 },
        { outcomes: outcomes(), raw_score: null },
        { outcomes: outcomes(), raw_score: null },
      ],
      scale,
      "half_up",
    );
    expect(c.raw_score).toBeNull();
    expect(c.reason).toBe("only 1 of 3 judgments have a score");
    // one of two is half: enough
    expect(
      combineSamples(
        [
          { outcomes: outcomes(), raw_score: 3 },
          { outcomes: outcomes(), raw_score: null },
        ],
        scale,
        "half_up",
      ).raw_score,
    ).toBe(3);
  });
  it("counts a sample without an answer as agreeing with nobody", () => {
    const c = combineSamples(
      [
        { outcomes: outcomes(met("a")), raw_score: 5 },
        { outcomes: outcomes({ id: "a", verdict: null, level: null, evidence_ok: true }), raw_score: null },
      ],
      scale,
      "half_up",
    );
    expect(c.outcomes.get("a")!.verdict).toBe("met");
    expect(c.spread.agreement.a).toBe(0.5);
  });
});

describe("combinePanel", () => {
  it("takes the majority across models and records where they disagree", () => {
    const p = combinePanel(
      [
        { model: "m1", result: { outcomes: outcomes(met("a"), met("b")), raw_score: 5 } },
        { model: "m2", result: { outcomes: outcomes(met("a"), unmet("b")), raw_score: 3 } },
        { model: "m3", result: { outcomes: outcomes(met("a"), unmet("b")), raw_score: 2 } },
      ],
      scale,
      "half_up",
    );
    expect(p.outcomes.get("a")!.verdict).toBe("met");
    expect(p.outcomes.get("b")!.verdict).toBe("unmet");
    expect(p.raw_score).toBe(3); // median of 5, 3, 2
    expect(p.disagreement).toEqual({ scores: { m1: 5, m2: 3, m3: 2 }, criteria: ["b"] });
    expect(p.spread.raw_score_range).toBe(3);
  });
});
