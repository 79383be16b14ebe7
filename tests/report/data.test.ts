import { describe, expect, it } from "vitest";
import { fitCalibrator } from "../../src/calibrate/index.js";
import { buildReport, renderHtml, wilson } from "../../src/report/index.js";

const rec = (id: string, raw: number | null, extra: Record<string, unknown> = {}) => ({
  item_id: id,
  raw_score: raw,
  scale: { kind: "numeric", min: 1, max: 3, step: 1 },
  bundle: { id: "b", version: "1.0.0", hash: "sha256:x" },
  judge: { model: "m1", temperature: 0, samples: 1 },
  usage: { prompt_tokens: 10, completion_tokens: 2 },
  latency_ms: 5,
  criteria: [
    {
      id: "c",
      verdict: raw === 3 ? "met" : "unmet",
      evidence: [{ quote: "q", verified: raw !== 1, input: "response", start: 0, end: 1 }],
    },
    { id: "always", verdict: "met", evidence: [] },
  ],
  ...extra,
});

describe("report data", () => {
  const records = [
    rec("a", 1),
    rec("b", 2),
    rec("c", 3),
    rec("d", 3),
    { item_id: "e", raw_score: null, error: "row 5: missing input `response`" },
  ];
  const labels = new Map([
    ["a", 1],
    ["b", 3],
    ["c", 3],
    ["d", 2],
  ]);
  const d = buildReport({ records, runFile: "run.jsonl", labels, resamples: 50 });

  it("counts items, failures (grouped by reason) and tokens", () => {
    expect(d.header).toMatchObject({
      items: 5,
      scored: 4,
      failed: 1,
      tokens: { prompt: 40, completion: 8 },
      models: ["m1"],
    });
    expect(d.header.failures).toEqual([{ reason: "missing input `…`", count: 1 }]);
    // No costs in the records, none in the report.
    expect(d.header.cost_usd).toBeUndefined();
  });

  it("sums the records' cost, and says when a model had no price", () => {
    const priced = buildReport({
      records: [rec("a", 1, { cost_usd: 0.0125 }), rec("b", 2, { cost_usd: 0.0075 })],
      runFile: "run.jsonl",
    });
    expect(priced.header.cost_usd).toBeCloseTo(0.02, 10);
    const unpriced = buildReport({
      records: [rec("a", 1, { cost_usd: 0.0125 }), rec("b", 2, { cost_usd: null })],
      runFile: "run.jsonl",
    });
    expect(unpriced.header.cost_usd).toBeNull();
  });

  it("builds raw and human histograms over the scale's categories", () => {
    expect(d.categories).toEqual([1, 2, 3]);
    expect(d.distributions.raw).toEqual([1, 1, 2]);
    expect(d.distributions.human).toEqual([1, 1, 2]);
  });

  it("gives the mean human score per raw score for the reliability view", () => {
    // raw 1 → human 1; raw 2 → 3; raw 3 → (3 + 2)/2
    expect(d.calibration!.reliability).toEqual([
      { x: 1, y: 1, n: 1 },
      { x: 2, y: 3, n: 1 },
      { x: 3, y: 2.5, n: 2 },
    ]);
  });

  it("summarises criteria and marks those that never discriminate", () => {
    const c = d.criteria.find((x) => x.id === "c")!;
    expect(c.counts).toEqual({ unmet: 2, met: 2 });
    expect(c.evidence_rejected).toBe(1);
    expect(c.never_discriminative).toBe(false);
    expect(d.criteria.find((x) => x.id === "always")!.never_discriminative).toBe(true);
  });

  it("computes agreement and Wilson intervals", () => {
    expect(d.agreement!.n).toBe(4);
    expect(d.agreement!.metrics.accuracy.value).toBe(0.5);
    // 0 of 10: [0, 0.2775] (Wilson, z = 1.96)
    const [lo, hi] = wilson(0, 10);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.2775, 3);
  });
});

describe("report data: raw vs calibrated agreement, timing, hostile fields", () => {
  const recs = Array.from({ length: 12 }, (_, i) => ({
    item_id: `i${i}`,
    raw_score: 1 + (i % 3),
    scale: { kind: "numeric", min: 1, max: 3, step: 1 },
    bundle: { id: "b", version: "1.0.0", hash: "sha256:x" },
    judge: { model: "m" },
    started_at: `2026-01-01T00:00:${String(i).padStart(2, "0")}.000Z`,
    finished_at: `2026-01-01T00:00:${String(i + 2).padStart(2, "0")}.000Z`,
    latency_ms: 2000,
    criteria: [],
  }));
  const labels = new Map(recs.map((r, i) => [r.item_id, 1 + ((i + 1) % 3)]));
  const joined = recs.map((r) => ({ item: { item_id: r.item_id, record: r }, label: labels.get(r.item_id)! }));
  const cal = fitCalibrator(joined as never, "isotonic", { min: 1, max: 3, step: 1 });

  it("shows raw and calibrated agreement side by side and marks a calibrator fitted on these labels", () => {
    const d = buildReport({ records: recs, runFile: "r", labels, calibrator: cal, resamples: 20 });
    expect(d.agreements.raw!.n).toBe(12);
    expect(d.agreements.calibrated!.n).toBe(12);
    expect(d.agreements.calibrator).toEqual({ method: "isotonic", fit_n: 12, in_sample: true });
    expect(d.agreement).toBe(d.agreements.calibrated);
    // one label changed: the calibrator was not fitted on exactly these
    const other = new Map(labels).set("i0", 3);
    expect(
      buildReport({ records: recs, runFile: "r", labels: other, calibrator: cal, resamples: 20 }).agreements.calibrator!
        .in_sample,
    ).toBe(false);
  });

  it("names wall time (first start to last finish) apart from summed call latency", () => {
    const d = buildReport({ records: recs, runFile: "r" });
    expect(d.header.wall_ms).toBe(13_000);
    expect(d.header.judge_latency_ms).toBe(24_000);
    expect(buildReport({ records: [{ item_id: "a", raw_score: 1 }], runFile: "r" }).header.wall_ms).toBeNull();
  });

  it("keeps only well-typed evidence fields from a crafted run", () => {
    const d = buildReport({
      records: [
        {
          item_id: "x",
          raw_score: 1,
          criteria: [
            {
              id: 5,
              verdict: { a: 1 },
              evidence: [
                { quote: 3, verified: "yes", input: 4, start: "<b>", end: 9 },
                { quote: "q", verified: true, input: "r", start: 4, end: 2 },
              ],
            },
          ],
        },
      ],
      runFile: "r",
    });
    expect(d.items[0]!.criteria[0]).toEqual({
      id: "5",
      verdict: "[object Object]",
      evidence: [
        { quote: "3", verified: false, input: null },
        { quote: "q", verified: true, input: "r" },
      ],
    });
    expect(d.mode).toBe("pointwise");
    expect(d.pairwise).toBeNull();
  });
});

describe("report data: rejected quotes", () => {
  it("keep the status saying why they did not count, for the page's rejected-quote list", () => {
    const r = rec("a", 2, {
      criteria: [
        {
          id: "c",
          verdict: "unmet",
          evidence: [
            { quote: "the", verified: false, input: "response", start: 0, end: 3, match: "exact", status: "too-short" },
            { quote: "a long enough quote", verified: true, input: "response", start: 4, end: 23, match: "exact" },
          ],
        },
      ],
    });
    const d = buildReport({ records: [r], runFile: "run.jsonl" });
    const [short, ok] = d.items[0]!.criteria[0]!.evidence;
    expect(short).toMatchObject({ verified: false, status: "too-short" });
    expect(ok!.status).toBeUndefined();
    expect(renderHtml(d)).toContain('"too-short"');
  });
});
