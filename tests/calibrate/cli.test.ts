import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { parseCsv } from "../helpers/csv.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "rulers-cal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = join(dir, "run.jsonl");
const labels = join(dir, "labels.jsonl");
const labelsCsv = join(dir, "labels.csv");
const BUNDLE = { id: "asap.set4", version: "1.0.0", hash: `sha256:${"a".repeat(64)}` };

// A real judge: GPT-3.5's scores for ASAP essay set 4 (0–3) as run records, rater 1 as labels
// (a 322-row cut of the published file: tests/fixtures/asap-gpt35-set4/SOURCE.md).
let judgedCount = 0;
beforeAll(() => {
  const rows = parseCsv(readFileSync(join(FIXTURES, "asap-gpt35-set4/scores.csv"), "utf8"));
  const recs: string[] = [];
  const labs: string[] = [];
  const csv = ["item_id,label"];
  const seen = new Set<string>();
  for (const r of rows) {
    // The file repeats some essays (one row per prompt variation): keep the first of each.
    if (!/^\d$/.test(r.rater1_domain1 ?? "") || seen.has(r.essay_id!)) continue;
    seen.add(r.essay_id!);
    const judged = /^\d$/.test(r.domain1_Score_gpt ?? "");
    recs.push(
      JSON.stringify({
        item_id: `e${r.essay_id}`,
        line: recs.length + 1,
        bundle: BUNDLE,
        judge: {
          base_url_host: "api.openai.com",
          model: "gpt-3.5-turbo",
          requested_model: "gpt-3.5-turbo",
          system_fingerprint: null,
          temperature: 0,
          seed: null,
          samples: 1,
          format: "json_schema",
        },
        raw_score: judged ? Number(r.domain1_Score_gpt) : null,
        flags: [],
        ...(judged ? {} : { error: "blank answer" }),
        criteria: [],
      }),
    );
    if (judged) {
      labs.push(JSON.stringify({ item_id: `e${r.essay_id}`, label: Number(r.rater1_domain1) }));
      csv.push(`e${r.essay_id},${r.rater1_domain1}`);
    }
  }
  judgedCount = labs.length;
  writeFileSync(run, `${recs.join("\n")}\n`);
  writeFileSync(labels, `${labs.join("\n")}\n`);
  writeFileSync(labelsCsv, `${csv.join("\n")}\n`);
});

describe("rulers calibrate / apply / agree", () => {
  it("reports agreement as JSON in the documented shape, from JSONL or CSV labels", async () => {
    const r = await runCli(["agree", "--run", run, "--labels", labels, "--json", "--resamples", "200"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // every judged essay joins its label once; the blank answers and the repeated rows do not count
    expect(out.n).toBe(judgedCount);
    expect(judgedCount).toBeGreaterThan(250);
    expect(Object.keys(out.metrics).sort()).toEqual([
      "accuracy",
      "adjacent_accuracy",
      "kappa",
      "kappa_linear",
      "kendall_tau_b",
      "mae",
      "pearson",
      "qwk",
      "rmse",
      "spearman",
    ]);
    expect(out.metrics.qwk.value).toBeGreaterThan(0.4);
    expect(out.metrics.qwk.ci[0]).toBeLessThan(out.metrics.qwk.value);
    expect(out.confusion["3"]["2"]).toBeGreaterThan(0);
    const fromCsv = JSON.parse(
      (await runCli(["agree", "--run", run, "--labels", labelsCsv, "--json", "--resamples", "200"])).stdout,
    );
    expect(fromCsv.metrics.qwk).toEqual(out.metrics.qwk);
  });

  it("fits a hashed calibrator, applies it, and refuses a run from another bundle unless forced", async () => {
    const cal = join(dir, "cal.json");
    const fit = await runCli([
      "calibrate",
      "--run",
      run,
      "--labels",
      labels,
      "--method",
      "ot",
      "--out",
      cal,
      "--folds",
      "5",
    ]);
    expect(fit.code).toBe(0);
    expect(fit.stdout).toMatch(/5-fold cross-validated QWK: raw 0\.\d+ → calibrated 0\.\d+/);
    const c = JSON.parse(readFileSync(cal, "utf8"));
    expect(c.hash).toMatch(/^sha256:/);
    expect(c.body).toMatchObject({
      method: "ot",
      bundle: BUNDLE,
      judge_model: "gpt-3.5-turbo",
      human_scale: { min: 0, max: 3, step: 1 },
    });
    expect(c.body.fit.n).toBe(judgedCount);

    const applied = join(dir, "applied.jsonl");
    expect((await runCli(["apply", "--run", run, "--calibrator", cal, "--out", applied])).code).toBe(0);
    const recs = readFileSync(applied, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const scored = recs.filter((r) => typeof r.raw_score === "number");
    expect(scored.every((r) => [0, 1, 2, 3].includes(r.calibrated_score))).toBe(true);
    // agree now reads calibrated_score
    const agreed = JSON.parse(
      (await runCli(["agree", "--run", applied, "--labels", labels, "--json", "--resamples", "0"])).stdout,
    );
    expect(agreed.source).toBe("calibrated_score");

    const other = join(dir, "other.jsonl");
    writeFileSync(other, readFileSync(run, "utf8").replaceAll("a".repeat(64), "b".repeat(64)));
    const refused = await runCli(["apply", "--run", other, "--calibrator", cal, "--out", join(dir, "x.jsonl")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/fitted for bundle sha256:a+ but the run used sha256:b+; pass --force/);
    expect(
      (await runCli(["apply", "--run", other, "--calibrator", cal, "--out", join(dir, "x.jsonl"), "--force"])).code,
    ).toBe(0);
  });

  it("scores cross-validated calibration with --folds, never in-sample", async () => {
    const r = await runCli([
      "agree",
      "--run",
      run,
      "--labels",
      labels,
      "--folds",
      "5",
      "--method",
      "isotonic",
      "--json",
      "--resamples",
      "0",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).source).toBe("5-fold cross-validated isotonic calibration");
  });

  it("rejects labels that do not join, duplicates, off-scale labels and too few pairs, writing nothing", async () => {
    const bad = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const nojoin = await runCli([
      "agree",
      "--run",
      run,
      "--labels",
      bad("nojoin.jsonl", '{"item_id":"zz1","label":1}\n'),
    ]);
    expect(nojoin.code).toBe(1);
    expect(nojoin.stderr).toMatch(/no label joins the run/);
    const dup = await runCli([
      "agree",
      "--run",
      run,
      "--labels",
      bad("dup.jsonl", '{"item_id":"e8863","label":1}\n{"item_id":"e8863","label":2}\n'),
    ]);
    expect(dup.stderr).toMatch(/dup\.jsonl:2: item `e8863` is labelled twice/);
    const nan = await runCli(["agree", "--run", run, "--labels", bad("nan.csv", "item_id,label\ne8863,high\n")]);
    expect(nan.stderr).toMatch(/nan\.csv:2: label "high" is not a number/);
    const out = join(dir, "never.json");
    const off = await runCli([
      "calibrate",
      "--run",
      run,
      "--labels",
      labels,
      "--method",
      "ot",
      "--scale",
      "1..3",
      "--out",
      out,
    ]);
    expect(off.stderr).toMatch(/label 0 of `e\d+` is not on the human scale 1\.\.3/);
    const few = await runCli([
      "calibrate",
      "--run",
      run,
      "--labels",
      bad("few.jsonl", '{"item_id":"e8863","label":1}\n{"item_id":"e8864","label":2}\n'),
      "--method",
      "thresholds",
      "--out",
      out,
    ]);
    expect(few.stderr).toMatch(/2 labelled pairs are too few to fit `thresholds`.*at least 20 are needed/);
    expect(() => readFileSync(out)).toThrow();
  });
});
