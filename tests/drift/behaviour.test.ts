import { describe, expect, it } from "vitest";
import {
  binomialTwoSided,
  compareRuns,
  DriftError,
  featuresOf,
  labelCorrect,
  mcnemarExact,
  pearson,
} from "../../src/drift/index.js";
import { pairRec, pointRec } from "./fixtures.js";

describe("exact tests", () => {
  it("match binomial tails computed by hand", () => {
    // k = 1 of n = 5 at p = ½: P(X ≤ 1) = (1 + 5)/32 → two-sided 12/32 = 0.375
    expect(binomialTwoSided(1, 5)).toBeCloseTo(0.375, 14);
    // k = 0 of 10: 2·1/1024
    expect(binomialTwoSided(0, 10)).toBeCloseTo(2 / 1024, 14);
    // k = 9 of 10 is the mirror of k = 1: 2·(1 + 10)/1024
    expect(binomialTwoSided(9, 10)).toBeCloseTo(22 / 1024, 14);
    // the middle is capped at 1; no discordant pairs gives 1
    expect(binomialTwoSided(5, 10)).toBe(1);
    expect(binomialTwoSided(0, 0)).toBe(1);
    // McNemar on b = 2, c = 8: 2·P(X ≤ 2 | n = 10) = 2·(1 + 10 + 45)/1024 = 112/1024
    expect(mcnemarExact(2, 8)).toBeCloseTo(112 / 1024, 14);
    expect(mcnemarExact(8, 2)).toBeCloseTo(112 / 1024, 14);
  });

  it("stays exact at n = 100,000", () => {
    // 0 of 100,000: 2·2^−100000 underflows to 0; 50,000 is the centre → 1
    expect(binomialTwoSided(0, 100_000)).toBe(0);
    expect(binomialTwoSided(50_000, 100_000)).toBe(1);
    // Normal approximation with continuity: z = (49,500.5 − 50,000)/√25,000 = −3.1591 → 2·Φ(z) ≈ 0.001583
    expect(binomialTwoSided(49_500, 100_000)).toBeCloseTo(0.001583, 4);
  });

  it("pearson against a hand computation", () => {
    // x = 1,2,3; y = 2,4,7: mx = 2, my = 13/3; Σdxdy = (−1)(−7/3) + 0 + (1)(8/3) = 5; Σdx² = 2; Σdy² = 49/9 + 1/9 + 64/9 = 114/9
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt(2 * (114 / 9)), 12);
    expect(pearson([1, 1, 1], [2, 4, 7])).toBeNull();
  });
});

describe("compareRuns, pointwise", () => {
  it("counts flips of at least one step, their direction, the mean shift and the sign test", () => {
    const base = [1, 2, 3, 4, 5, 3].map((s, i) => pointRec(`i${i}`, s));
    const cand = [2, 2, 3.5, 3, 5, 4].map((s, i) => pointRec(`i${i}`, s));
    const r = compareRuns(base, cand, { maxFlipRate: 0.4, alpha: 0.05 });
    // i0 +1, i2 +0.5 (under a step: no flip), i3 −1, i5 +1 → 3 flips: 2 up, 1 down; mean (1 + 0.5 − 1 + 1)/6
    expect(r.overall).toMatchObject({
      n: 6,
      flips: 3,
      flip_rate: 0.5,
      toward_candidate: 2,
      toward_base: 1,
      up: 2,
      down: 1,
      test: "sign",
      drift: true,
    });
    expect(r.overall.mean_shift).toBeCloseTo(1.5 / 6, 12);
    // 1 of 3: 2·P(X ≤ 1 | 3) = 2·(1 + 3)/8 = 1 → capped at 1
    expect(r.overall.p_value).toBe(1);
    expect(r.flipped.map((f) => [f.item_id, f.base, f.candidate])).toEqual([
      ["i0", 1, 2],
      ["i3", 4, 3],
      ["i5", 3, 4],
    ]);
  });

  it("a one-sided shift is significant: 9 up, 1 down of 10 gives 22/1024", () => {
    const base = Array.from({ length: 12 }, (_, i) => pointRec(`i${i}`, 3));
    const cand = [4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 3, 3].map((s, i) => pointRec(`i${i}`, s));
    const r = compareRuns(base, cand, { maxFlipRate: 0.9, alpha: 0.05 });
    expect(r.overall).toMatchObject({ n: 12, flips: 10, up: 9, down: 1, drift: true });
    expect(r.overall.p_value).toBeCloseTo(22 / 1024, 14);
  });

  it("uses the scale's step: on a 0.5-step scale a half-point change is a flip", () => {
    const scale = { kind: "numeric", min: 0, max: 10, step: 0.5 };
    const r = compareRuns(
      [pointRec("a", 5, { scale }), pointRec("b", 5, { scale })],
      [pointRec("a", 5.5, { scale }), pointRec("b", 5.25, { scale })],
    );
    expect(r.step).toBe(0.5);
    expect(r.overall.flips).toBe(1);
  });

  it("compares calibrated scores only when every paired record of both runs has one", () => {
    const base = [pointRec("a", 3, { calibrated_score: 2 }), pointRec("b", 3, { calibrated_score: 3 })];
    expect(
      compareRuns(base, [pointRec("a", 3, { calibrated_score: 4 }), pointRec("b", 3, { calibrated_score: 3 })]),
    ).toMatchObject({ score_field: "calibrated_score", overall: { flips: 1 } });
    expect(compareRuns(base, [pointRec("a", 3, { calibrated_score: 4 }), pointRec("b", 3)])).toMatchObject({
      score_field: "raw_score",
      overall: { flips: 0 },
    });
  });

  it("uses McNemar with labels; correct means equal after snapping to the step", () => {
    // s7: 4.5 snaps (half up) to 5, label 4 → wrong
    expect(labelCorrect("pointwise", { min: 1, step: 1 }, 1, 4.5, undefined, 4)).toBe(false);
    expect(labelCorrect("pointwise", { min: 1, step: 1 }, 1, 4.4, undefined, 4)).toBe(true);
    expect(labelCorrect("pointwise", { min: 0, step: 1 }, 1, 1, undefined, "pass")).toBe(true);
    expect(labelCorrect("pairwise", null, 1, 0.5, "tie", "tie")).toBe(true);
    expect(labelCorrect("pairwise", null, 1, 1, "A", "left")).toBeNull();
    const base = [3, 3, 3, 3, 3].map((s, i) => pointRec(`i${i}`, s));
    const cand = [4, 4, 4, 2, 3].map((s, i) => pointRec(`i${i}`, s));
    const labels = new Map<string, number>([
      ["i0", 4],
      ["i1", 4],
      ["i2", 3],
      ["i3", 3],
      ["i4", 3],
    ]);
    const r = compareRuns(base, cand, { labels });
    // base correct: i2, i3, i4 → 3/5; candidate correct: i0, i1, i4 → 3/5
    // correct→wrong: i2, i3; wrong→correct: i0, i1 → McNemar(2, 2) = min(1, 2·11/16) = 1
    expect(r.overall).toMatchObject({
      test: "mcnemar",
      labelled: 5,
      accuracy_base: 0.6,
      accuracy_candidate: 0.6,
      correct_to_wrong: 2,
      wrong_to_correct: 2,
      p_value: 1,
    });
  });

  it("excludes failed, unmatched and duplicate records, and counts each", () => {
    const base = [
      pointRec("a", 1),
      pointRec("b", null, { error: "timeout" }),
      pointRec("c", 2),
      pointRec("c", null, { error: "item id `c` already used" }),
    ];
    const cand = [pointRec("a", 1), pointRec("b", 3), pointRec("c", 2), pointRec("d", 2)];
    const r = compareRuns(base, cand);
    // paired: a, c; failed: b (base); unmatched: b (candidate side only), d; duplicate: the second c
    expect(r.overall.n).toBe(2);
    expect(r.excluded_detail).toEqual({ failed: 1, unmatched: 2, duplicate: 1 });
    expect(r.excluded).toBe(4);
  });

  it("warns when both runs used the same bundle, or different judges", () => {
    const r = compareRuns([pointRec("a", 1)], [pointRec("a", 1, { judge: { model: "other" } })]);
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]).toMatch(/same bundle/);
    expect(r.warnings[1]).toMatch(/different judge models/);
  });

  it("refuses to compare a pairwise run with a pointwise one", () => {
    expect(() => compareRuns([pairRec("a", "A")], [pointRec("a", 3)])).toThrow(DriftError);
  });

  it("correlates the score shift with response features", () => {
    const base = [3, 3, 3, 3, 3, 3].map((s, i) => pointRec(`i${i}`, s));
    const cand = [1, 2, 4, 4, 4, 4].map((s, i) => pointRec(`i${i}`, s));
    const probe = new Map(
      ["I cannot help with that.", "I won't answer.", "Sure: here it is.", "Yes.", "Fine.", "Here."].map((t, i) => [
        `i${i}`,
        { id: `i${i}`, response: t },
      ]),
    );
    const r = compareRuns(base, cand, { probe });
    const refusal = r.features.find((f) => f.feature === "refusal")!;
    // x = 1,1,0,0,0,0 (mx = 1/3); y = −2,−1,1,1,1,1 (my = 1/6)
    // Σdxdy = Σxy − n·mx·my = −3 − 6·(1/3)(1/6) = −10/3; Σdx² = 2 − 6/9 = 4/3; Σdy² = 9 − 6/36 = 53/6
    expect(refusal.correlation).toBeCloseTo(-10 / 3 / Math.sqrt((4 / 3) * (53 / 6)), 12);
    expect(refusal).toMatchObject({ mean_up: 0, mean_down: 1, follows: true, items: 6 });
  });
});

describe("compareRuns, pairwise", () => {
  it("flips on any change of the preferred side; McNemar and slices with labels", () => {
    const prefs = [
      ["A", "B"],
      ["A", "A"],
      ["B", "A"],
      ["B", "B"],
      ["tie", "A"],
      ["A", "B"],
    ] as const;
    const base = prefs.map(([b], i) => pairRec(`p${i}`, b));
    const cand = prefs.map(([, c], i) => pairRec(`p${i}`, c));
    const labels = new Map<string, string>([
      ["p0", "A"],
      ["p1", "A"],
      ["p2", "A"],
      ["p3", "A"],
      ["p4", "A"],
      ["p5", "B"],
    ]);
    const probe = new Map(prefs.map((_, i) => [`p${i}`, { id: `p${i}`, domain: i < 3 ? "code" : "chat" }]));
    const r = compareRuns(base, cand, { labels, probe, sliceBy: "domain", maxFlipRate: 0.9 });
    // flips: p0 A→B (toward B), p2 B→A, p4 tie→A (toward A), p5 A→B → 4; shift (−1 + 1 + 0.5 − 1)/6
    // base correct: p0, p1 → 2/6; candidate correct: p1, p2, p4, p5 → 4/6
    // correct→wrong: p0; wrong→correct: p2, p4, p5 → McNemar(1, 3) = 2·(1 + 4)/16 = 0.625
    expect(r.overall).toMatchObject({
      n: 6,
      flips: 4,
      toward_a: 2,
      toward_b: 2,
      accuracy_base: 2 / 6,
      accuracy_candidate: 4 / 6,
      correct_to_wrong: 1,
      wrong_to_correct: 3,
    });
    expect(r.overall.mean_shift).toBeCloseTo(-0.5 / 6, 12);
    expect(r.overall.p_value).toBeCloseTo(0.625, 14);
    expect(Object.keys(r.slices)).toEqual(["chat", "code"]);
    // code: p0 A→B, p2 B→A → 2 flips of 3; chat: p4, p5 → 2 of 3
    expect(r.slices.code).toMatchObject({ n: 3, flips: 2, correct_to_wrong: 1, wrong_to_correct: 1 });
    expect(r.slices.chat).toMatchObject({ n: 3, flips: 2, correct_to_wrong: 0, wrong_to_correct: 2 });
  });

  it("identical runs: zero flips, p = 1, no drift", () => {
    const recs = ["A", "B", "tie"].map((p, i) => pairRec(`p${i}`, p as "A"));
    const r = compareRuns(recs, recs, { maxFlipRate: 0, alpha: 0.05 });
    expect(r.overall).toMatchObject({ n: 3, flips: 0, flip_rate: 0, p_value: 1, drift: false });
    expect(r.drift).toBe(false);
  });

  it("a slice can drift when the whole does not", () => {
    const base = Array.from({ length: 20 }, (_, i) => pairRec(`p${i}`, "A"));
    const cand = base.map((r, i) => pairRec(r.item_id, i < 2 ? "B" : "A"));
    const probe = new Map(base.map((r, i) => [r.item_id, { id: r.item_id, domain: i < 4 ? "small" : "big" }]));
    const r = compareRuns(base, cand, { probe, sliceBy: "domain", maxFlipRate: 0.25 });
    // overall 2/20 = 10%; slice small 2/4 = 50% > 25%
    expect(r.overall.drift).toBe(false);
    expect(r.slices.small!.drift).toBe(true);
    expect(r.drift).toBe(true);
  });
});

describe("featuresOf", () => {
  it("counts words, refusal, hedges and list items as documented", () => {
    // tokens: 6 + 4 + 4 + 2 = 16 (list markers are whitespace-separated tokens too);
    // hedges: may, however, perhaps; list items and headings: 3 lines
    expect(featuresOf("I'm sorry, but I can't help.\n- It may work\n- however, perhaps not\n# Notes")).toEqual({
      length: 16,
      refusal: 1,
      hedging: 3,
      formatting: 3,
    });
    expect(featuresOf("")).toEqual({ length: 0, refusal: 0, hedging: 0, formatting: 0 });
  });
});
