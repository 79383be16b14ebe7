import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fitCalibrator, type Joined, serializeCalibrator } from "../../src/calibrate/index.js";
import { runCli } from "../helpers/cli.js";
import type { Script } from "../helpers/fake-openai.js";
import { validJudge } from "../helpers/scripted-judge.js";
import { gradedJudge, item, servedFixture, slowJudge } from "./helpers.js";

const fixture = servedFixture();

describe("POST /v1/reward", () => {
  it("answers one reward per item, in order, with the bundle hash that produced them", async () => {
    const t = await fixture.start();
    const r = await t.post("/v1/reward", {
      bundle: "test.reward@1.0.0",
      items: [item("a", "A good answer about the moon."), item("b", "Bad."), item("c", "Another good one.")],
    });
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([5, 1, 5]);
    expect(r.json.bundle_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.json.bundle_hash).toBe(JSON.parse(readFileSync(fixture.bundles.bundle, "utf8")).hash);
    expect(r.json.score).toBe("raw");
    expect(r.json.details).toBeUndefined();
    expect(r.json.failed).toBeUndefined();
  });

  it("gives the run records with details, each with the item's own id", async () => {
    const t = await fixture.start();
    const r = await t.post("/v1/reward", {
      bundle: "test.reward@1.0.0",
      items: [item("x", "good answer"), item("y", "good answer")],
      details: true,
    });
    expect(r.status).toBe(200);
    expect(
      r.json.details.map((d: { item_id: string; line: number; raw_score: number }) => [d.item_id, d.line, d.raw_score]),
    ).toEqual([
      ["x", 1, 5],
      ["y", 2, 5],
    ]);
    // Identical rows (ids aside) are one judgment: one call for the two items.
    expect(t.judge.requests).toHaveLength(1);
  });

  it("normalises onto 0..1 over the rubric's scale when asked", async () => {
    const t = await fixture.start();
    const r = await t.post("/v1/reward", {
      bundle: "test.reward@1.0.0",
      items: [item("a", "good"), item("b", "bad")],
      normalize: true,
    });
    expect(r.json.rewards).toEqual([1, 0]);
    expect(r.json.normalized).toBe(true);
  });

  it("deduplicates identical items across concurrent requests: one judge call each", async () => {
    const t = await fixture.start(slowJudge(500));
    const body = (k: number) => ({
      bundle: "test.reward@1.0.0",
      items: [item(`r${k}-1`, "good one"), item(`r${k}-2`, "bad one"), item(`r${k}-3`, "good two")],
    });
    const replies = await Promise.all([1, 2, 3, 4, 5].map((k) => t.post("/v1/reward", body(k))));
    for (const r of replies) expect(r.json.rewards).toEqual([5, 1, 5]);
    expect(t.judge.requests).toHaveLength(3);
    const metrics = (await t.get("/metrics")).text;
    expect(metrics).toMatch(/^rulers_serve_deduplicated_items_total 12$/m);
    expect(metrics).toMatch(/^rulers_judge_calls_total 3$/m);
    // Later, the same items come from the cache.
    const again = await t.post("/v1/reward", body(6));
    expect(again.json.rewards).toEqual([5, 1, 5]);
    expect(t.judge.requests).toHaveLength(3);
    expect((await t.get("/metrics")).text).toMatch(/^rulers_judge_cache_hits_total 3$/m);
  });

  it("times each stage: per request once, per judged item once, the judge's wait inside judge_call", async () => {
    const t = await fixture.start(slowJudge(200));
    const r = await t.post("/v1/reward", {
      bundle: "test.reward@1.0.0",
      items: [item("a", "good one"), item("b", "bad one"), item("c", "good one")],
    });
    expect(r.json.rewards).toEqual([5, 1, 5]);
    const metrics = (await t.get("/metrics")).text;
    const stage = (name: string, part: "count" | "sum") =>
      Number(new RegExp(`^rulers_serve_stage_seconds_${part}\\{stage="${name}"\\} (\\S+)$`, "m").exec(metrics)?.[1]);
    for (const s of ["receive", "admit", "items", "respond"]) expect(stage(s, "count")).toBe(1);
    // a and c are one judgment: two items went through the judge.
    for (const s of ["batch_wait", "lane_wait", "judge_call", "item_work"]) expect(stage(s, "count")).toBe(2);
    expect(stage("judge_call", "sum")).toBeGreaterThanOrEqual(2 * 0.2);
    // The request waited for its items, which waited for the judge.
    expect(stage("items", "sum")).toBeGreaterThanOrEqual(0.2);
  });

  it("is fail-closed: without a floor a failed item fails the request, with one it is floored and listed", async () => {
    const refuseBad: Script = (req) =>
      /Bad/.test(JSON.stringify(req.body.messages)) ? { refusal: "I will not grade this" } : gradedJudge(req);
    const t = await fixture.start(refuseBad);
    const body = { bundle: "test.reward@1.0.0", items: [item("ok", "good"), item("no", "Bad")] };
    const closed = await t.post("/v1/reward", body);
    expect(closed.status).toBe(422);
    expect(closed.json.error.code).toBe("items_failed");
    expect(closed.json.error.failed).toEqual([
      { index: 1, id: "no", reason: "judge_refused", message: expect.stringContaining("refused") },
    ]);
    const floored = await t.post("/v1/reward", { ...body, failed_reward: -1 });
    expect(floored.status).toBe(200);
    expect(floored.json.rewards).toEqual([5, -1]);
    expect(floored.json.failed_reward).toBe(-1);
    expect(floored.json.failed).toHaveLength(1);
    // Judged twice (the second time from the cache), failed twice.
    expect((await t.get("/metrics")).text).toMatch(/^rulers_serve_item_failures_total\{reason="judge_refused"\} 2$/m);
  });

  it("takes the floor from the server when the request names none", async () => {
    const t = await fixture.start(() => ({ refusal: "no" }), { failedReward: 0 });
    const r = await t.post("/v1/reward", { bundle: "test.reward@1.0.0", items: [item("a", "good")] });
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([0]);
    expect(r.json.failed[0].reason).toBe("judge_refused");
  });

  it("applies the bundle's calibrator by default, and raw scores on request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rulers-cal-"));
    try {
      const hash = JSON.parse(readFileSync(fixture.bundles.bundle, "utf8")).hash;
      // A calibrator fitted for this bundle and the fake judge: raw 1 → human 2, raw 5 → human 9.
      const data: Joined[] = Array.from({ length: 20 }, (_, i) => {
        const raw = i % 2 ? 5 : 1;
        return {
          item: {
            item_id: `c${i}`,
            record: {
              item_id: `c${i}`,
              bundle: { id: "test.reward", version: "1.0.0", hash },
              judge: { model: "fake-judge-1" },
              raw_score: raw,
            },
          } as never,
          label: raw === 5 ? 9 : 2,
        };
      });
      const cal = fitCalibrator(data, "isotonic", { min: 0, max: 10, step: 1 });
      const calPath = join(dir, "cal.json");
      writeFileSync(calPath, serializeCalibrator(cal));
      let t = await fixture.start(gradedJudge, { calibrators: [calPath] });
      const items = [item("a", "good"), item("b", "bad")];
      const r = await t.post("/v1/reward", { bundle: "test.reward@1.0.0", items, details: true });
      expect(r.json.score).toBe("calibrated");
      expect(r.json.calibrator).toBe(cal.hash);
      expect(r.json.rewards).toEqual([9, 2]);
      expect(r.json.details[0].calibrated_score).toBe(9);
      const norm = await t.post("/v1/reward", { bundle: "test.reward@1.0.0", items, normalize: true });
      expect(norm.json.rewards).toEqual([0.9, 0.2]);
      const raw = await t.post("/v1/reward", { bundle: "test.reward@1.0.0", items, score: "raw" });
      expect(raw.json.rewards).toEqual([5, 1]);
      const other = await t.post("/v1/reward", {
        bundle: "test.other@2.0.0",
        items: [{ answer: "good" }],
        score: "calibrated",
      });
      expect(other.status).toBe(400);
      expect(other.json.error.code).toBe("no_calibrator");
      // Another judge model than the calibrator was fitted for: never calibrated, never silently.
      t = await fixture.start(gradedJudge, { calibrators: [calPath], judgeModel: "other-judge" });
      const mismatch = await t.post("/v1/reward", { bundle: "test.reward@1.0.0", items });
      expect(mismatch.status).toBe(422);
      expect(mismatch.json.error.failed.map((f: { reason: string }) => f.reason)).toEqual([
        "calibrator_incompatible",
        "calibrator_incompatible",
      ]);
      const scored = await t.post("/v1/score", { bundle: "test.reward@1.0.0", rows: items });
      expect(scored.json.records[0].calibrated_score).toBeUndefined();
      expect(scored.json.warnings[0]).toContain("fitted for judge");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("POST /v1/score", () => {
  it("gives the same records as `rulers judge` for the same rows", async () => {
    const t = await fixture.start(validJudge());
    const rows = [item("a", "An answer about the moon and tides."), item("b", "Tides follow the moon.")];
    const r = await t.post("/v1/score", { bundle: "test.reward@1.0.0", rows });
    expect(r.status).toBe(200);
    expect(r.json.bundle_hash).toBe(JSON.parse(readFileSync(fixture.bundles.bundle, "utf8")).hash);
    const dir = mkdtempSync(join(tmpdir(), "rulers-score-"));
    try {
      writeFileSync(join(dir, "rows.jsonl"), rows.map((x) => JSON.stringify(x)).join("\n"));
      const cli = await runCli([
        "judge",
        "--bundle",
        fixture.bundles.bundle,
        "--lock",
        fixture.bundles.lock,
        "--input",
        join(dir, "rows.jsonl"),
        "--out",
        join(dir, "run.jsonl"),
        "--model",
        "judge-x",
        "--base-url",
        t.judge.baseURL,
      ]);
      expect(cli.code).toBe(0);
      const fromCli = readFileSync(join(dir, "run.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const strip = (x: Record<string, unknown>) => ({ ...x, latency_ms: 0 });
      expect(r.json.records.map(strip)).toEqual(fromCli.map(strip));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses duplicate ids, as a run does", async () => {
    const t = await fixture.start();
    const r = await t.post("/v1/score", { bundle: "test.reward@1.0.0", rows: [item("a", "x"), item("a", "y")] });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid_rows");
    expect(t.judge.requests).toHaveLength(0);
  });
});

describe("POST /get_reward (OpenRLHF)", () => {
  it("maps query, prompts and labels onto the bundle's inputs", async () => {
    const t = await fixture.start(gradedJudge, {
      refs: ["test.reward@1.0.0"],
      openrlhf: { bundle: "test.reward@1.0.0", prompt: "prompt", response: "response", label: "reference" },
    });
    const r = await t.post("/get_reward", {
      query: ["<user>Explain tides.<assistant>A good answer.", "<user>Explain tides.<assistant>Nope."],
      prompts: ["<user>Explain tides.<assistant>", "<user>Explain tides.<assistant>"],
      labels: ["The moon.", "The moon."],
    });
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([5, 1]);
    expect(r.json.scores).toEqual([5, 1]);
    const seen = JSON.stringify(t.judge.requests[0]!.body.messages);
    expect(seen).toContain("A good answer.");
    expect(seen).toContain("The moon.");
    const bad = await t.post("/get_reward", { query: ["x"] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("`prompts` is required");
  });
});
