/**
 * The library's run-to-file and drift workflows (src/api/run-file.ts, src/api/drift.ts), called
 * from code against a local fake judge: the same files and reports the CLI produces, a stopped
 * run continued with `resume` without paying for a finished call twice.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  driftBundles,
  driftRuns,
  judgeToFile,
  loadBundle,
  planDrift,
  RulersError,
  RunRecordSchema,
  RunStoppedError,
  readDriftRun,
  readProbeRows,
} from "../../src/index.js";
import { type FakeOpenAI, startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor, inputsOf } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-api-run-file-"));
const essays = () => loadBundle("bundles/asap.persuasive-essay/1.0.0/bundle.json");
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    prompt: "Argue a position.",
    essay: `Essay number ${i} argues.`,
  }));
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe("judgeToFile()", () => {
  // Essays numbered 4 and up are refused with a 401 until `open` is set: the run stops there.
  let open = false;
  let server: FakeOpenAI;
  beforeAll(async () => {
    server = await startFakeOpenAI((r) => {
      const n = Number(/Essay number (\d+)/.exec(JSON.stringify(inputsOf(r.body)))?.[1] ?? 0);
      if (!open && n >= 4)
        return { status: 401, body: { error: { message: "bad key", type: "invalid_request_error" } } };
      return { json: answerFor(r.body) };
    });
  });
  afterAll(() => server.close());

  it("stops with what it wrote whole, then resumes without repeating a finished call", async () => {
    const out = join(dir, "run.jsonl");
    const warnings: string[] = [];
    const options = {
      out,
      model: "judge-m",
      baseURL: server.baseURL,
      apiKey: "k",
      concurrency: 1,
      maxRetries: 0,
      onWarning: (m: string) => warnings.push(m),
    };
    let stopped: RunStoppedError | undefined;
    try {
      await judgeToFile(essays(), rows(8), options);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RunStoppedError);
      stopped = err as RunStoppedError;
    }
    expect(stopped!.reason).toBe("judge");
    expect(stopped!.cachePath).toBe(`${out}.cache.jsonl`);
    expect(stopped!.message).toMatch(/resuming repeats none of them/);
    // Whole records, a prefix of the rows: those finished before the refusal.
    const kept = lines(out).map((r) => r.item_id);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(
      rows(8)
        .slice(0, kept.length)
        .map((r) => r.id),
    );
    expect(stopped!.kept).toBe(kept.length);
    const essayOf = (r: { body: unknown }) => Number(/Essay number (\d+)/.exec(JSON.stringify(inputsOf(r.body)))![1]);
    const answered = server.requests.map(essayOf).filter((n) => n < 4);
    expect(answered.sort()).toEqual([0, 1, 2, 3]);
    const paidBefore = server.requests.length;
    open = true;
    const result = await judgeToFile(essays(), rows(8), { ...options, resume: true });
    expect(warnings.some((w) => w.startsWith(`resuming: ${kept.length} record`))).toBe(true);
    expect(result.resumed).toMatchObject({ kept: kept.length, torn: null });
    expect(result.records).toBe(8);
    expect(result.summary.items).toBe(8);
    expect(result.summary.scored).toBe(8);
    expect(result.summary.resumed?.items).toBe(kept.length);
    const all = lines(out);
    expect(all.map((r) => r.item_id)).toEqual(["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7"]);
    for (const r of all) expect(RunRecordSchema.safeParse(r).success).toBe(true);
    // Finished calls came from the cache: only the refused essays were asked again, each once.
    expect(server.requests.slice(paidBefore).map(essayOf).sort()).toEqual([4, 5, 6, 7]);
  });

  it("reads a rows file by path and refuses a resume with nothing to continue", async () => {
    const input = join(dir, "rows.csv");
    writeFileSync(input, `id,prompt,essay\na,Argue.,First essay.\nb,Argue.,Second essay.\n`);
    const out = join(dir, "csv-run.jsonl");
    const base = { model: "judge-m", baseURL: server.baseURL, apiKey: "k", onWarning: () => {} };
    await expect(judgeToFile(essays(), input, { ...base, out, resume: true })).rejects.toThrow(/nothing to resume/);
    expect(existsSync(out)).toBe(false);
    const result = await judgeToFile(essays(), input, { ...base, out });
    expect(lines(out).map((r) => r.item_id)).toEqual(["a", "b"]);
    expect(result.cache).toBe(`${out}.cache.jsonl`);
    expect(existsSync(result.cache)).toBe(true);
  });
});

describe("driftBundles() and driftRuns()", () => {
  const B1 = "bundles/chat.helpfulness-pairwise/1.0.0/bundle.json";
  const B2 = "bundles/chat.helpfulness-pairwise/1.1.0/bundle.json";
  let server: FakeOpenAI;
  beforeAll(async () => {
    // Prefers the longer reply, unless the rubric asks for concision (which 1.1.0 does).
    server = await startFakeOpenAI((req) => {
      const concise = req.body.messages[0].content.includes("more concise");
      return {
        json: answerFor(req.body, {
          decide: (_id, _v, inputs) => (inputs.response_a!.length > inputs.response_b!.length !== concise ? "A" : "B"),
        }),
      };
    });
  });
  afterAll(() => server.close());

  it("judges the probes under both bundles, finds the flips, and gives the same report from the kept runs", async () => {
    const probe = await readProbeRows("examples/pairwise-helpfulness.jsonl", { onWarning: () => {} });
    const keepRuns = join(dir, "kept");
    const judge = { model: "m", baseURL: server.baseURL, apiKey: "k", cache: join(dir, "drift.cache.jsonl") };
    const live = await driftBundles(loadBundle(B1), loadBundle(B2), probe, { judge, keepRuns, onWarning: () => {} });
    expect(live.base).toHaveLength(probe.rows.length);
    expect(live.report.drift).toBe(true);
    expect(live.report.overall.n).toBe(probe.rows.length);
    expect(live.report.overall.flips).toBe(live.report.overall.n);
    expect(live.report.features.find((f) => f.feature === "length")?.follows).toBe(true);
    const paid = server.requests.length;

    const same = await driftBundles(loadBundle(B1), loadBundle(B1), probe, { judge, onWarning: () => {} });
    expect(same.report.overall.flips).toBe(0);
    expect(same.report.drift).toBe(false);
    // The base side came from the shared cache.
    expect(server.requests.length).toBe(paid);

    const fromRuns = driftRuns(
      readDriftRun(`${keepRuns}.base.jsonl`, () => {}),
      readDriftRun(`${keepRuns}.candidate.jsonl`, () => {}),
      { probe, onWarning: () => {} },
    );
    expect(fromRuns.overall).toEqual(live.report.overall);
  });

  it("refuses runs that share no scored item, and bundles of different modes", async () => {
    const base = readDriftRun(`${join(dir, "kept")}.base.jsonl`, () => {});
    const other = base.map((r) => ({ ...r, item_id: `x-${r.item_id}` }));
    expect(() => driftRuns(base, other, { onWarning: () => {} })).toThrow(/no item was scored in both runs/);
    const probe = await readProbeRows("examples/pairwise-helpfulness.jsonl", { onWarning: () => {} });
    await expect(
      driftBundles(loadBundle(B1), essays(), probe, { judge: { model: "m", cache: join(dir, "c2.jsonl") } }),
    ).rejects.toThrow(RulersError);
  });

  it("plans a study: more probes for a smaller flip rate", () => {
    const small = planDrift(0.05);
    const large = planDrift(0.2);
    expect(small.probes_needed).toBeGreaterThan(large.probes_needed!);
    expect(planDrift(0.05, { probes: small.probes_needed! }).min_detectable_flip_rate).toBeLessThanOrEqual(0.05);
    expect(() => planDrift(1.5)).toThrow(RulersError);
  });
});
