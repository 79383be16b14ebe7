import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binomialTwoSided, compareRuns, mcnemarExact, type Rec } from "../../src/drift/index.js";
import { runCli } from "../helpers/cli.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-drift-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("exact tests", () => {
  it("match binomial tails computed by hand", () => {
    // k = 1 of n = 5 at p = ½: P(X ≤ 1) = (1 + 5)/32 = 6/32 → two-sided 12/32 = 0.375
    expect(binomialTwoSided(1, 5)).toBeCloseTo(0.375, 12);
    // k = 0 of 10: 2/1024
    expect(binomialTwoSided(0, 10)).toBeCloseTo(2 / 1024, 12);
    // symmetric, capped at 1, and 1 with no discordant pairs
    expect(binomialTwoSided(9, 10)).toBeCloseTo(binomialTwoSided(1, 10), 12);
    expect(binomialTwoSided(5, 10)).toBe(1);
    expect(binomialTwoSided(0, 0)).toBe(1);
    // McNemar exact on b = 2, c = 8: 2·P(X ≤ 2 | n = 10) = 2·(1 + 10 + 45)/1024 = 112/1024
    expect(mcnemarExact(2, 8)).toBeCloseTo(112 / 1024, 12);
    expect(binomialTwoSided(49_000, 100_000)).toBeLessThan(1e-9);
  });
});

const rec = (id: string, extra: Record<string, unknown>): Rec => ({ item_id: id, scale: { kind: "numeric", min: 1, max: 5, step: 1 }, ...extra });

describe("compareRuns", () => {
  it("counts pointwise flips of at least one step, their direction and the mean shift", () => {
    const base = [1, 2, 3, 4, 5, 3].map((s, i) => rec(`i${i}`, { raw_score: s }));
    const cand = [2, 2, 3.5, 3, 5, 4].map((s, i) => rec(`i${i}`, { raw_score: s }));
    const r = compareRuns(base, cand, { maxFlipRate: 0.4, alpha: 0.05 });
    // i0 +1, i2 +0.5 (not a flip), i3 −1, i5 +1 → 3 flips: 2 up, 1 down; mean shift (1+0.5−1+1)/6
    expect(r.overall).toMatchObject({ n: 6, flips: 3, toward_candidate: 2, toward_base: 1, drift: true });
    expect(r.overall.mean_shift).toBeCloseTo(1.5 / 6, 9);
    expect(r.overall.p_value).toBeCloseTo(binomialTwoSided(2, 3), 12);
  });

  it("uses McNemar on correct→wrong vs wrong→correct when labels are given, per slice too", () => {
    const prefs = [["A", "B"], ["A", "A"], ["B", "A"], ["B", "B"], ["tie", "A"], ["A", "B"]];
    const base = prefs.map(([b], i) => rec(`p${i}`, { preferred: b }));
    const cand = prefs.map(([, c], i) => rec(`p${i}`, { preferred: c }));
    const labels = new Map<string, string>([["p0", "A"], ["p1", "A"], ["p2", "A"], ["p3", "A"], ["p4", "A"], ["p5", "B"]]);
    const probe = new Map(prefs.map((_, i) => [`p${i}`, { id: `p${i}`, domain: i < 3 ? "code" : "chat" }]));
    const r = compareRuns(base, cand, { labels, probe, sliceBy: "domain", maxFlipRate: 0.9 });
    // base correct: p0, p1, p5(no: base A, label B) → p0, p1 → 2/6; candidate correct: p1, p2, p4, p5 → 4/6
    // correct→wrong: p0; wrong→correct: p2, p4, p5 → McNemar(1, 3)
    expect(r.overall).toMatchObject({ n: 6, flips: 4, accuracy_base: 2 / 6, accuracy_candidate: 4 / 6, correct_to_wrong: 1, wrong_to_correct: 3 });
    expect(r.overall.p_value).toBeCloseTo(mcnemarExact(1, 3), 12);
    expect(Object.keys(r.slices)).toEqual(["chat", "code"]);
    expect(r.slices.code!.n).toBe(3);
  });

  it("excludes failed and unmatched items and counts them", () => {
    const r = compareRuns([rec("a", { raw_score: 1 }), rec("b", { raw_score: null, error: "x" })], [rec("a", { raw_score: 1 }), rec("c", { raw_score: 2 })]);
    expect(r.overall.n).toBe(1);
    expect(r.excluded).toBe(2);
  });
});

describe("rulers drift", () => {
  it("from recorded runs: known flips, exit 3 past the threshold, a Markdown report", async () => {
    const base = join(dir, "base.jsonl"), cand = join(dir, "cand.jsonl");
    writeFileSync(base, [1, 2, 3, 4].map((s, i) => JSON.stringify(rec(`i${i}`, { raw_score: s }))).join("\n") + "\n");
    writeFileSync(cand, [1, 3, 3, 5].map((s, i) => JSON.stringify(rec(`i${i}`, { raw_score: s, criteria: [{ id: "c", verdict: "met", evidence: [{ quote: "a cited passage", verified: true }] }] }))).join("\n") + "\n");
    const report = join(dir, "drift.md");
    const r = await runCli(["drift", "--from-runs", base, cand, "--json", "--max-flip-rate", "0.25", "--report", report]);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.overall).toMatchObject({ n: 4, flips: 2, flip_rate: 0.5, toward_candidate: 2, toward_base: 0 });
    expect(out.drift).toBe(true);
    expect(readFileSync(report, "utf8")).toContain("### i1: 2 → 3");
    expect(readFileSync(report, "utf8")).toContain("a cited passage");
    expect((await runCli(["drift", "--from-runs", base, base, "--json"])).code).toBe(0);
  });

  it("live: names length as the feature the flips follow when an edit flips the judge from longer to shorter", async () => {
    // The scripted judge prefers the longer reply, unless the rubric asks for concision.
    const server = await startFakeOpenAI((req) => {
      const concise = req.body.messages[0].content.includes("more concise");
      return { json: answerFor(req.body, { decide: (_id, _v, inputs) => ((inputs.response_a!.length > inputs.response_b!.length) !== concise ? "A" : "B") }) };
    });
    try {
      const r = await runCli(["drift", "--base", "bundles/chat.helpfulness-pairwise/1.0.0/bundle.json", "--candidate", "bundles/chat.helpfulness-pairwise/1.1.0/bundle.json", "--probe", "examples/pairwise-helpfulness.jsonl", "--model", "m", "--base-url", server.baseURL, "--cache", join(dir, "drift.cache.jsonl"), "--json"]);
      expect(r.code).toBe(3);
      const out = JSON.parse(r.stdout);
      expect(out.overall.flips).toBe(out.overall.n);
      const length = out.features.find((f: { feature: string }) => f.feature === "length");
      expect(length.follows).toBe(true);
      // the judge decides on characters, the feature counts words: nearly every flip goes to the shorter reply
      expect(length.share_toward_more).toBeLessThan(0.25);
      // the base side was judged once: both orders × 15 rows per bundle
      expect(server.requests).toHaveLength(60);
    } finally {
      await server.close();
    }
  });
});
