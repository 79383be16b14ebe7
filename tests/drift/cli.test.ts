import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-drift-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = (name: string) => join("tests/fixtures/drift", name);
const V1 = "examples/pairwise-helpfulness.rubric";
const V2 = "examples/versions/pairwise-helpfulness-1.1.0.rubric";
const B1 = "bundles/chat.helpfulness-pairwise/1.0.0/bundle.json";
const B2 = "bundles/chat.helpfulness-pairwise/1.1.0/bundle.json";

describe("rulers diff", () => {
  it("on two sources: changes, shares and findings at lines of the new source", async () => {
    const r = await runCli(["diff", V1, V2]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("criterion follows_request: changed (share 50.0% → 57.1%)");
    expect(r.stdout).toContain("    weight: 3 → 4");
    expect(r.stdout).toContain(
      "line 23:40: high [tie-break-rule] instructions: new preference or tie-break rule: `When the replies are otherwise equal, always prefer the more concise one`",
    );
    expect(r.stdout).toContain(
      "low [removed-bias-guard] instructions: bias guard removed: `do not prefer a reply because it is longer`",
    );
    expect(r.stdout).toMatch(/line 21:\d+: high \[guard-removed\] instructions: the guard against length bias is gone/);
    expect(r.stdout).toContain("verdict: high");
    // --fail-on makes the verdict an exit code for CI
    expect((await runCli(["diff", V1, V2, "--fail-on", "high"])).code).toBe(3);
    expect((await runCli(["diff", V1, V1, "--fail-on", "low"])).code).toBe(0);
  });

  it("on two bundles: the same diff as data, findings naming the field", async () => {
    const r = await runCli(["diff", B1, B2, "--json"]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    // weights 3, 2, 1 → 4, 2, 1: follows_request 3/6 → 4/7
    expect(d.criteria.find((c: { id: string }) => c.id === "follows_request")).toMatchObject({
      status: "changed",
      share_before: 0.5,
      share_after: 4 / 7,
    });
    expect(d.risk.map((f: { pattern: string }) => f.pattern)).toEqual([
      "tie-break-rule",
      "conditional-branch",
      "emphasis-added",
      "guard-removed",
      "decision-rule-added",
      "removed-bias-guard",
      "reweighting",
    ]);
    expect(d.verdict).toBe("high");
    expect(d.risk.every((f: { line?: number; where: string }) => f.line === undefined && f.where !== "")).toBe(true);
  });

  it("a source against itself: no change of meaning, no findings", async () => {
    const r = await runCli(["diff", V1, V1]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(no change of meaning)");
    expect(r.stdout).toContain("risk: no drift-prone edit patterns found");
  });

  it("exits 1 on a source that does not compile or a missing bundle", async () => {
    const bad = join(dir, "bad.rubric");
    writeFileSync(bad, "rubric x version 1\ncriterion\n");
    expect((await runCli(["diff", V1, bad])).code).toBe(1);
    expect((await runCli(["diff", B1, join(dir, "missing.json")])).code).toBe(1);
    expect((await runCli(["diff", V1])).code).toBe(1);
  });
});

describe("rulers drift --from-runs", () => {
  const pairwise = [fx("pairwise-base.jsonl"), fx("pairwise-candidate.jsonl")];
  // The recorded pairwise runs on their probe set; each test adds its own options.
  const pairwiseDrift = (...extra: string[]) =>
    runCli(["drift", "--from-runs", ...pairwise, "--probe", fx("pairwise-probe.jsonl"), ...extra]);

  it("pairwise recorded runs: known flips, slices, labels, features; exit 3 past the threshold", async () => {
    const report = join(dir, "drift.md");
    const r = await pairwiseDrift(
      "--labels",
      fx("pairwise-labels.jsonl"),
      "--slice-by",
      "domain",
      "--max-flip-rate",
      "0.45",
      "--json",
      "--report",
      report,
    );
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    // flips: p2 A→B, p3 A→B, p5 B→A, p6 A→B, p8 tie→A → 5 of 10 (2 toward A, 3 toward B)
    // base correct p1 p3 p4 p6 p7 p10 = 6/10; candidate p1 p2 p4 p5 p7 p8 p10 = 7/10
    // correct→wrong p3 p6; wrong→correct p2 p5 p8 → McNemar(2, 3) = min(1, 2·(1+5+10)/32) = 1
    expect(out.overall).toMatchObject({
      n: 10,
      flips: 5,
      flip_rate: 0.5,
      toward_candidate: 2,
      toward_base: 3,
      toward_a: 2,
      toward_b: 3,
      p_value: 1,
      accuracy_base: 0.6,
      accuracy_candidate: 0.7,
      correct_to_wrong: 2,
      wrong_to_correct: 3,
      drift: true,
    });
    // mean shift: (−1 −1 +1 −1 +0.5)/10 = −0.15
    expect(out.overall.mean_shift).toBeCloseTo(-0.15, 12);
    // p11 failed under the base; p11 (candidate side) and p12 are in one run only
    expect(out.excluded).toBe(3);
    expect(out.excluded_detail).toEqual({ failed: 1, unmatched: 2, duplicate: 0 });
    expect(out.slices.code).toMatchObject({ n: 5, flips: 3, flip_rate: 0.6, drift: true });
    // chat 2/5 = 0.4 stays under 0.45; code 0.6 and overall 0.5 reach it
    expect(out.slices.chat).toMatchObject({ n: 5, flips: 2, flip_rate: 0.4, drift: false });
    expect(out.overall.reasons).toEqual(["flip rate 0.5000 ≥ 0.45"]);
    expect(out.drift).toBe(true);
    // every flip went to the shorter reply: 0 of 5 toward more words, p = 2·(1/32) = 0.0625 — not below 0.05
    const length = out.features.find((f: { feature: string }) => f.feature === "length");
    expect(length).toMatchObject({
      flips_considered: 5,
      toward_more: 0,
      share_toward_more: 0,
      p_value: 0.0625,
      follows: false,
    });
    expect(out.flipped.map((f: { item_id: string }) => f.item_id)).toEqual(["p2", "p3", "p5", "p6", "p8"]);
    expect(out.flipped[0]).toMatchObject({
      item_id: "p2",
      slice: "code",
      base: "A",
      candidate: "B",
      base_criteria: [{ id: "helpful", verdict: "A", evidence: [{ verified: true }] }],
    });
    const md = readFileSync(report, "utf8");
    expect(md).toContain("### p2: A → B (code)");
    expect(md).toContain("✓ “Use a list.”");
    expect(md).toContain("| code | 5 | 3 | 60.0% |");
  });

  it("exit 0 when no slice reaches the thresholds, 3 when one reaches one exactly", async () => {
    // code 3/5 = 0.6 is under 0.61; every McNemar p is 1 (code: c→w p3, w→c p2 p5 → 2·4/8)
    const r = await pairwiseDrift(
      "--labels",
      fx("pairwise-labels.jsonl"),
      "--slice-by",
      "domain",
      "--max-flip-rate",
      "0.61",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("no drift beyond the thresholds");
    // thresholds are inclusive: a flip rate of exactly 0.6 counts
    const at = await pairwiseDrift("--slice-by", "domain", "--max-flip-rate", "0.6");
    expect(at.code).toBe(3);
    expect(at.stdout).toMatch(/code: .*DRIFT/);
  });

  it("identical runs: zero flips, exit 0 even with a zero flip-rate threshold", async () => {
    const r = await runCli(["drift", "--from-runs", pairwise[0]!, pairwise[0]!, "--json", "--max-flip-rate", "0"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).overall).toMatchObject({ n: 10, flips: 0, p_value: 1 });
    expect(r.stderr).toMatch(/same bundle/);
  });

  it("pointwise recorded runs with CSV labels", async () => {
    const r = await runCli([
      "drift",
      "--from-runs",
      fx("pointwise-base.jsonl"),
      fx("pointwise-candidate.jsonl"),
      "--probe",
      fx("pointwise-probe.jsonl"),
      "--labels",
      fx("pointwise-labels.csv"),
      "--slice-by",
      "topic",
      "--max-flip-rate",
      "0.6",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // shifts 0, +1, 0, −2, +1, 0, +0.5, −1: flips s2 s5 up, s4 s8 down; mean −0.5/8
    // labels 3 5 2 5 2 4 4 2: base correct s1 s3 s4 s7 s8 = 5/8; candidate s1 s2 s3 s5 = 4/8 (4.5 snaps to 5)
    expect(out.overall).toMatchObject({
      n: 8,
      flips: 4,
      up: 2,
      down: 2,
      accuracy_base: 5 / 8,
      accuracy_candidate: 4 / 8,
      correct_to_wrong: 3,
      wrong_to_correct: 2,
    });
    expect(out.overall.mean_shift).toBeCloseTo(-0.0625, 12);
    expect(out.slices.med).toMatchObject({ n: 4, flips: 2 });
    expect(out.slices.law).toMatchObject({ n: 4, flips: 2 });
    const refusal = out.features.find((f: { feature: string }) => f.feature === "refusal");
    // refusals s4 and s8 both moved down: mean refusal of flips down 1, up 0
    expect(refusal).toMatchObject({ mean_up: 0, mean_down: 1 });
  });

  it("exits 1 on bad input", async () => {
    expect((await runCli(["drift", "--from-runs", fx("pairwise-base.jsonl")])).code).toBe(1);
    expect((await runCli(["drift", "--from-runs", fx("pairwise-base.jsonl"), join(dir, "none.jsonl")])).code).toBe(1);
    expect((await runCli(["drift", "--from-runs", ...pairwise, "--max-flip-rate", "lots"])).code).toBe(1);
    expect((await runCli(["drift", "--from-runs", fx("pairwise-base.jsonl"), fx("pointwise-base.jsonl")])).code).toBe(
      1,
    );
    expect((await runCli(["drift", "--base", B1])).code).toBe(1);
  });
});

describe("rulers drift, live", () => {
  it("judges both bundles once each, names length as what the flips follow, and keeps the runs", async () => {
    // The scripted judge prefers the longer reply, unless the rubric asks for concision.
    const server = await startFakeOpenAI((req) => {
      const concise = req.body.messages[0].content.includes("more concise");
      return {
        json: answerFor(req.body, {
          decide: (_id, _v, inputs) => (inputs.response_a!.length > inputs.response_b!.length !== concise ? "A" : "B"),
        }),
      };
    });
    try {
      const keep = join(dir, "kept");
      const args = [
        "drift",
        "--base",
        B1,
        "--candidate",
        B2,
        "--probe",
        "examples/pairwise-helpfulness.jsonl",
        "--model",
        "m",
        "--base-url",
        server.baseURL,
        "--cache",
        join(dir, "drift.cache.jsonl"),
        "--json",
      ];
      const r = await runCli([...args, "--keep-runs", keep]);
      expect(r.code).toBe(3);
      const out = JSON.parse(r.stdout);
      expect(out.overall.flips).toBe(out.overall.n);
      const length = out.features.find((f: { feature: string }) => f.feature === "length");
      expect(length.follows).toBe(true);
      expect(length.share_toward_more).toBeLessThan(0.25);
      // both orders × 15 rows × 2 bundles, each paid once
      expect(server.requests).toHaveLength(60);
      // a rerun is served from the cache: the base side is never paid twice
      const again = await runCli(args);
      expect(JSON.parse(again.stdout).overall).toEqual(out.overall);
      expect(server.requests).toHaveLength(60);
      // the kept runs give the same analysis without a judge
      const fromRuns = await runCli([
        "drift",
        "--from-runs",
        `${keep}.base.jsonl`,
        `${keep}.candidate.jsonl`,
        "--probe",
        "examples/pairwise-helpfulness.jsonl",
        "--json",
      ]);
      expect(JSON.parse(fromRuns.stdout).overall).toEqual(out.overall);
    } finally {
      await server.close();
    }
  });
});
