import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { agreement, applyMap, fitIsotonic, fitOt, fitThresholds, inferScale, snap } from "../../src/calibrate/index.js";
import { parseCsv } from "../helpers/csv.js";

/** QWK by the pairwise formula: 1 − n·Σ(hᵢ−pᵢ)² / ΣᵢΣⱼ(hᵢ−pⱼ)² (weights' (K−1)² cancels). */
function qwkPairwise(h: number[], p: number[]): number {
  let obs = 0;
  let exp = 0;
  for (let i = 0; i < h.length; i++) {
    obs += (h[i]! - p[i]!) ** 2;
    for (let j = 0; j < p.length; j++) exp += (h[i]! - p[j]!) ** 2;
  }
  return 1 - (h.length * obs) / exp;
}

function ranks(xs: number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && idx[j]![0] === idx[i]![0]) j++;
    for (let k = i; k < j; k++) r[idx[k]![1]] = (i + j + 1) / 2;
    i = j;
  }
  return r;
}
function pearsonNaive(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b) / x.length,
    my = y.reduce((a, b) => a + b) / y.length;
  let c = 0,
    vx = 0,
    vy = 0;
  x.forEach((xi, i) => {
    c += (xi - mx) * (y[i]! - my);
    vx += (xi - mx) ** 2;
    vy += (y[i]! - my) ** 2;
  });
  return c / Math.sqrt(vx * vy);
}
function kendallNaive(x: number[], y: number[]): number {
  let c = 0,
    d = 0,
    tx = 0,
    ty = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = i + 1; j < x.length; j++) {
      const a = Math.sign(x[i]! - x[j]!),
        b = Math.sign(y[i]! - y[j]!);
      if (a === 0 && b === 0) continue;
      if (a === 0) tx++;
      else if (b === 0) ty++;
      else if (a === b) c++;
      else d++;
    }
  return (c - d) / Math.sqrt((c + d + tx) * (c + d + ty));
}

const scale03 = { min: 0, max: 2, step: 1 };

describe("agreement metrics", () => {
  // human 0,0,1,1,2,2 vs judge 0,1,1,2,2,2 — worked by hand:
  // Σ(h−p)² = 2; ΣΣ(hᵢ−pⱼ)² = 28 + 8 + 12 = 48 → QWK = 1 − 6·2/48 = 0.75
  // exact agreement 4/6; chance (2·1 + 2·2 + 2·3)/36 = 1/3 → kappa = (2/3 − 1/3)/(2/3) = 0.5
  // linear: observed Σ|h−p| = 2 → 2/2 = 1 weighted; expected Σ rᵢcⱼ|i−j|/2 / 6 = … checked below
  const h = [0, 0, 1, 1, 2, 2];
  const p = [0, 1, 1, 2, 2, 2];
  const r = agreement(p, h, scale03, { resamples: 200, seed: 1 });

  it("matches hand-worked QWK and kappa", () => {
    expect(r.metrics.qwk.value).toBeCloseTo(0.75, 12);
    expect(r.metrics.kappa.value).toBeCloseTo(0.5, 12);
    // linear: observed 2·(1/2) = 1; expected Σ rᵢcⱼ|i−j|/2 / n = (2·(0·1+1·2+2·3) + 2·(1·1+0+1·3) + 2·(2·1+1·2+0))/2/6 = (16+8+8)/12 = 8/3
    expect(r.metrics.kappa_linear.value).toBeCloseTo(1 - 1 / (8 / 3), 12);
    expect(r.metrics.accuracy.value).toBeCloseTo(4 / 6, 12);
    expect(r.metrics.adjacent_accuracy.value).toBe(1);
    expect(r.metrics.mae.value).toBeCloseTo(2 / 6, 12);
    expect(r.metrics.rmse.value).toBeCloseTo(Math.sqrt(2 / 6), 12);
  });

  it("matches independent implementations of Pearson, Spearman and Kendall tau-b (with ties)", () => {
    expect(r.metrics.pearson.value).toBeCloseTo(pearsonNaive(h, p), 12);
    expect(r.metrics.spearman.value).toBeCloseTo(pearsonNaive(ranks(h), ranks(p)), 12);
    expect(r.metrics.kendall_tau_b.value).toBeCloseTo(kendallNaive(h, p), 12);
  });

  it("gives seeded bootstrap intervals around the value, the same for the same seed", () => {
    const ci = r.metrics.qwk.ci!;
    expect(ci[0]).toBeLessThanOrEqual(0.75);
    expect(ci[1]).toBeGreaterThanOrEqual(0.75);
    const hh = Array.from({ length: 300 }, (_, i) => (i * 7) % 3);
    const pp = hh.map((v, i) => (i % 5 === 0 ? (v + 1) % 3 : v));
    const a = agreement(pp, hh, scale03, { resamples: 300, seed: 1 }).metrics.qwk.ci;
    expect(agreement(pp, hh, scale03, { resamples: 300, seed: 1 }).metrics.qwk.ci).toEqual(a);
    expect(agreement(pp, hh, scale03, { resamples: 300, seed: 2 }).metrics.qwk.ci).not.toEqual(a);
  });

  it("reports undefined metrics with a reason, never NaN", () => {
    const constant = agreement([1, 1, 1, 1], [0, 1, 2, 1], scale03, { resamples: 50 });
    expect(constant.metrics.kappa.value).not.toBeNaN();
    expect(constant.metrics.pearson).toEqual({ value: null, reason: "judge scores are constant" });
    expect(constant.metrics.kendall_tau_b.value).toBeNull();
    const single = agreement([1, 1], [1, 1], scale03, { resamples: 50 });
    expect(single.metrics.qwk.value).toBeNull();
    expect(single.metrics.qwk.reason).toMatch(/one category/);
    expect(single.metrics.accuracy.value).toBe(1);
    expect(JSON.stringify(single)).not.toContain("NaN");
  });

  it("computes QWK over the categories of a half-point scale exactly", () => {
    const s = { min: 1, max: 5, step: 0.5 };
    const gold = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 3];
    const pred = [1.5, 1.5, 2, 3, 3, 3, 4.5, 4.5, 4.5, 2.5];
    const rep = agreement(pred, gold, s, { resamples: 0 });
    // on category indices the pairwise formula applies unchanged
    expect(rep.metrics.qwk.value).toBeCloseTo(
      qwkPairwise(
        gold.map((g) => g * 2),
        pred.map((q) => q * 2),
      ),
      12,
    );
    expect(Object.keys(rep.confusion)).toContain("2.5");
  });

  it("agrees with the pairwise formula on real data (ASAP set 4, GPT-3.5 vs rater 1)", () => {
    // 322 rows cut from the published file (tests/fixtures/asap-gpt35-set4/SOURCE.md)
    const rows = parseCsv(
      readFileSync(fileURLToPath(new URL("../fixtures/asap-gpt35-set4/scores.csv", import.meta.url)), "utf8"),
    );
    const pairs = rows
      .filter((r) => /^\d$/.test(r.domain1_Score_gpt ?? "") && /^\d$/.test(r.rater1_domain1 ?? ""))
      .map((r) => [Number(r.rater1_domain1), Number(r.domain1_Score_gpt)] as const);
    expect(pairs.length).toBeGreaterThan(300);
    const gold = pairs.map((q) => q[0]),
      pred = pairs.map((q) => q[1]);
    const rep = agreement(pred, gold, { min: 0, max: 3, step: 1 }, { resamples: 100 });
    expect(rep.metrics.qwk.value).toBeCloseTo(qwkPairwise(gold, pred), 10);
    // the full file's QWK is 0.45; this cut's is 0.41 (a judge well below human-human 0.85)
    expect(rep.metrics.qwk.value!).toBeGreaterThan(0.35);
    expect(rep.metrics.qwk.value!).toBeLessThan(0.5);
  });
});

describe("calibration maps", () => {
  it("ot is monotone and reproduces the human distribution on fit data with distinct raw scores", () => {
    const raw = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 10);
    const human = Array.from({ length: 50 }, (_, i) => [1, 2, 2, 3, 3, 3, 4, 5][i % 8]!);
    const scale = inferScale(human);
    const map = fitOt(raw.map((x, i) => ({ x, y: human[i]! })));
    const mapped = raw.map((x) => applyMap(map, x, scale));
    expect([...mapped].sort((a, b) => a - b)).toEqual([...human].sort((a, b) => a - b));
    const grid = Array.from({ length: 200 }, (_, i) => -12 + i * 0.12).map((x) => applyMap(map, x, scale));
    for (let i = 1; i < grid.length; i++) expect(grid[i]!).toBeGreaterThanOrEqual(grid[i - 1]!);
  });

  it("isotonic pools adjacent violators", () => {
    // y at x = 1..4 is 1, 3, 2, 4: the middle pair violates order and pools to 2.5
    const map = fitIsotonic([1, 3, 2, 4].map((y, i) => ({ x: i + 1, y })));
    expect(map).toEqual({ kind: "piecewise", xs: [1, 2, 3, 4], ys: [1, 2.5, 2.5, 4] });
  });

  it("thresholds do at least as well as quantile cuts on the fit data", () => {
    const xs = Array.from({ length: 300 }, (_, i) => (i * 37) % 101);
    const ys = xs.map((x, i) => Math.min(3, Math.max(0, Math.round(x / 30 + ((i % 7) - 3) / 4))));
    const scale = { min: 0, max: 3, step: 1 };
    const pairs = xs.map((x, i) => ({ x, y: ys[i]! }));
    const th = fitThresholds(pairs, scale);
    const ot = fitOt(pairs);
    const q = (m: typeof th) =>
      agreement(
        xs.map((x) => applyMap(m, x, scale)),
        ys,
        scale,
        { resamples: 0 },
      ).metrics.qwk.value!;
    expect(q(th)).toBeGreaterThanOrEqual(q(ot) - 1e-9);
    expect(th.kind === "thresholds" && th.cuts).toHaveLength(3);
    expect(snap(scale, 2.4)).toBe(2);
  });
});
