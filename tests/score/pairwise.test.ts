import { describe, expect, it } from "vitest";
import { combineOrders, preferenceOf, preferenceScore, unswap } from "../../src/score/index.js";
import { base, criterion, outcomes, vote } from "./fixtures.js";

const mode = (inconsistent: "tie" | "flag") =>
  ({ kind: "pairwise", compare: ["a", "b"], swap: true, ties: true, inconsistent }) as const;

describe("preferenceOf", () => {
  const cs = [criterion("x", { weight: 2 }), criterion("y"), criterion("z")];
  it("is a weighted vote whose sign decides", () => {
    // A +2, B −1, B −1 → 0 → tie
    expect(preferenceOf(cs, outcomes(vote("x", "A"), vote("y", "B"), vote("z", "B")))).toBe("tie");
    // A +2, B −1, tie 0 → +1 → A
    expect(preferenceOf(cs, outcomes(vote("x", "A"), vote("y", "B"), vote("z", "tie")))).toBe("A");
    // B −2, A +1 → −1 → B
    expect(preferenceOf(cs, outcomes(vote("x", "B"), vote("y", "A")))).toBe("B");
  });
  it("takes a rubric as well, and penalties vote with their size", () => {
    const ir = base({ criteria: [criterion("x"), criterion("harm", { weight: null, points: -3 })] });
    // A +1, B −|−3| → B
    expect(preferenceOf(ir, outcomes(vote("x", "A"), vote("harm", "B")))).toBe("B");
  });
  it("does not let float noise break a tie", () => {
    const fs = [criterion("p", { weight: 0.1 }), criterion("q", { weight: 0.2 }), criterion("r", { weight: 0.3 })];
    // 0.1 + 0.2 − 0.3 = 5.55e-17 in floats
    expect(preferenceOf(fs, outcomes(vote("p", "A"), vote("q", "A"), vote("r", "B")))).toBe("tie");
  });
});

describe("combineOrders", () => {
  it("keeps a preference both orders agree on", () => {
    expect(combineOrders("A", "A", mode("tie"))).toEqual({ preferred: "A", consistent: true, flags: [] });
    expect(combineOrders("tie", "tie", mode("flag"))).toEqual({ preferred: "tie", consistent: true, flags: [] });
  });
  it("turns disagreement into a tie, flagged when the rubric says so", () => {
    expect(combineOrders("A", "B", mode("tie"))).toEqual({ preferred: "tie", consistent: false, flags: [] });
    expect(combineOrders("A", "B", mode("flag"))).toEqual({
      preferred: "tie",
      consistent: false,
      flag: "position-inconsistent",
      flags: ["position-inconsistent"],
    });
    // a preference in one order only is no preference
    expect(combineOrders("tie", "B", mode("tie")).preferred).toBe("tie");
  });
  it("maps the swapped call back and scores preferences", () => {
    expect([unswap("A"), unswap("B"), unswap("tie")]).toEqual(["B", "A", "tie"]);
    // the swapped call saw b first and preferred it ("A") → B in original labels → agrees
    expect(combineOrders("B", unswap("A"), mode("tie")).preferred).toBe("B");
    expect([preferenceScore("A"), preferenceScore("tie"), preferenceScore("B")]).toEqual([1, 0.5, 0]);
  });
});
