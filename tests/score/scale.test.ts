import { describe, expect, it } from "vitest";
import { decimals, fromUnit, roundWith, scaleSteps, toScale } from "../../src/score/index.js";

const half = { kind: "numeric", min: 1, max: 5, step: 0.5 } as const;
const tenth = { kind: "numeric", min: 0, max: 1, step: 0.1 } as const;
const passFail = { kind: "pass_fail" } as const;

describe("toScale", () => {
  it("rounds in units of the step with each rounding mode", () => {
    expect(toScale(3.25, half, "half_up")).toBe(3.5); // (3.25 − 1)/0.5 = 4.5 units → 5 → 3.5
    expect(toScale(3.25, half, "half_even")).toBe(3); // 4.5 → 4 (even) → 3
    expect(toScale(3.75, half, "half_even")).toBe(4); // 3.5 or 4: 4 is 8 half-steps from 0, even
    expect(toScale(2.5, { kind: "numeric", min: 1, max: 5, step: 1 }, "half_even")).toBe(2);
    expect(toScale(3.24, half, "half_up")).toBe(3); // 4.48 → 4
    expect(toScale(3.26, half, "down")).toBe(3); // 4.52 → 4
    expect(toScale(3.01, half, "up")).toBe(3.5); // 4.02 → 5
    expect(toScale(3.5, half, "up")).toBe(3.5); // exactly on the grid stays
  });
  it("clamps to the scale", () => {
    expect(toScale(9, half, "half_up")).toBe(5);
    expect(toScale(-2, half, "down")).toBe(1);
    expect(toScale(9, half, "none")).toBe(5);
  });
  it("is exact for decimal steps where naive float arithmetic drifts", () => {
    // 0.1 + 0.2 = 0.30000000000000004 → 3 units → 0.3
    expect(toScale(0.1 + 0.2, tenth, "half_up")).toBe(0.3);
    // 0.3 / 0.1 = 2.9999999999999996 in floats; floor would give 0.2
    expect(toScale(0.3, tenth, "down")).toBe(0.3);
    // (0.1 + 0.2) / 0.1 = 3.0000000000000004 in floats; ceil would give 0.4
    expect(toScale(0.1 + 0.2, tenth, "up")).toBe(0.3);
    expect(toScale(0.1 + 0.2, tenth, "none")).toBe(0.3);
  });
  it("works on grids that start off zero", () => {
    const q = { kind: "numeric", min: 0.5, max: 2.5, step: 0.25 } as const;
    expect(toScale(1.375, q, "half_up")).toBe(1.5); // 3.5 units → 4 → 0.5 + 1
    expect(toScale(1.625, q, "half_up")).toBe(1.75); // 4.5 units → 5
    expect(toScale(1.625, q, "half_even")).toBe(1.5); // 4.5 → 4
  });
});

describe("fromUnit", () => {
  it("maps x onto min + x·(max − min)", () => {
    expect(fromUnit(0.5, { kind: "numeric", min: 0, max: 10, step: 0.5 }, "half_even")).toBe(5);
    expect(fromUnit(0.375, { kind: "numeric", min: 1, max: 5, step: 1 }, "half_up")).toBe(3); // 1 + 1.5 = 2.5 → 3
    // half even rounds to the even value, not the even count of steps from min: 2.5 → 2, 3.5 → 4
    expect(fromUnit(0.375, { kind: "numeric", min: 1, max: 5, step: 1 }, "half_even")).toBe(2);
    expect(fromUnit(0.625, { kind: "numeric", min: 1, max: 5, step: 1 }, "half_even")).toBe(4);
    expect(fromUnit(1 / 3, { kind: "numeric", min: 0, max: 1, step: 0.01 }, "none")).toBeCloseTo(1 / 3, 12);
  });
  it("rounds x itself on a pass-or-fail scale", () => {
    expect(fromUnit(0.5, passFail, "half_up")).toBe(1);
    expect(fromUnit(0.49, passFail, "half_up")).toBe(0);
    expect(fromUnit(0.5, passFail, "half_even")).toBe(0); // ½ rounds to the even 0
    expect(fromUnit(0.51, passFail, "half_even")).toBe(1);
    expect(fromUnit(0.99, passFail, "down")).toBe(0);
    expect(fromUnit(1, passFail, "down")).toBe(1);
    expect(fromUnit(0.01, passFail, "up")).toBe(1);
    expect(fromUnit(0, passFail, "up")).toBe(0);
    expect(fromUnit(0.5, passFail, "none")).toBe(1); // none counts as half up
  });
});

describe("helpers", () => {
  it("counts decimals as written, also in exponent form", () => {
    expect(decimals(0.25)).toBe(2);
    expect(decimals(100)).toBe(0);
    expect(decimals(1.5e-7)).toBe(8);
  });
  it("rounds halves and treats float noise as exact", () => {
    expect(roundWith(2.5, "half_up")).toBe(3);
    expect(roundWith(2.5, "half_even")).toBe(2);
    expect(roundWith(3.5, "half_even")).toBe(4);
    expect(roundWith(2.9999999999999996, "down")).toBe(3);
    expect(roundWith(3.0000000000000004, "up")).toBe(3);
  });
  it("lists the scale's values exactly", () => {
    const s = scaleSteps(tenth);
    expect(s).toHaveLength(11);
    expect(s[3]).toBe(0.3);
    expect(s[7]).toBe(0.7);
    expect(scaleSteps(passFail)).toEqual([0, 1]);
  });
});
