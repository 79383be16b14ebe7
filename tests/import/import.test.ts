import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { compileItems, compileSource } from "../../src/compile/index.js";
import { runCli } from "../helpers/cli.js";
import { expectGolden } from "../helpers/golden.js";

const FIX = "tests/fixtures/import";
const dir = mkdtempSync(join(tmpdir(), "rulers-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function expectImported(name: string, actual: string): void {
  expectGolden(join(FIX, "expected", name), actual);
}

async function importInto(format: string, file: string, out: string) {
  return runCli(["import", "--from", format, join(FIX, file), "--out", out]);
}

function hashOf(source: string): string {
  const r = compileSource(source, "x.rubric");
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return buildBundle(r.ir!).hash;
}

describe("rulers import", () => {
  it.each([
    [
      "healthbench",
      "healthbench.jsonl",
      /row 3, rubrics\[0\]: error: field `points` must be a number, got "five"; skipped/,
    ],
    [
      "prometheus",
      "prometheus.jsonl",
      /row 3: error: missing `score2_description`, `score3_description`, `score4_description`, `score5_description`; skipped/,
    ],
    ["judge-prompt", "judge-prompts.jsonl", /row 3: error: no verdict marker found/],
    ["promptfoo", "promptfoo.yaml", /tests\[1\]\.assert\[0\]: error: field `value` must be the rubric text/],
  ])("imports %s, names the bad row, and still imports the good ones", async (format, file, badRow) => {
    const out = join(dir, format);
    const r = await importInto(format, file, out);
    expect(r.code).toBe(1); // one bad row in each fixture
    expect(r.stderr).toMatch(badRow);
    const written = readdirSync(out).sort();
    expect(written.length).toBeGreaterThan(0);
    for (const f of written) {
      const text = readFileSync(join(out, f), "utf8");
      expectImported(`${format}--${f}`, text);
      if (f.endsWith(".rubric")) {
        // importing again gives the same source, hence the same bundle hash
        expect(hashOf(text)).toBe(hashOf(readFileSync(join(out, f), "utf8")));
      }
    }
  });

  it("says what it had to drop or approximate", async () => {
    const r = await importInto("promptfoo", "promptfoo.yaml", join(dir, "pf2"));
    expect(r.stderr).toMatch(/tests\[0\]\.assert\[0\]: warning: threshold 0\.8 is a pass mark/);
    expect(r.stderr).toMatch(/defaultTest\.assert\[1\]: warning: assertion type `contains` is not an LLM rubric/);
    expect(r.stderr).toMatch(/g-eval generates its evaluation steps at run time/);
    const pair = await runCli([
      "import",
      "--from",
      "judge-prompt",
      join(FIX, "mt-bench-pair.txt"),
      "--out",
      join(dir, "pair"),
    ]);
    expect(pair.code).toBe(0);
    expect(pair.stderr).toMatch(/the verdict format is replaced by the structured answer/);
    const src = readFileSync(join(dir, "pair", "mt-bench-pair.rubric"), "utf8");
    expect(src).toContain("compare answer_a and answer_b");
    expect(src).not.toContain("[[A]]");
    expect(src).toContain("Do not allow the length of the responses to influence your evaluation.");
  });

  it("imports HealthBench rows that compile into one bundle with every item's criteria", async () => {
    const out = join(dir, "hb");
    await importInto("healthbench", "healthbench.jsonl", out);
    const r = compileSource(readFileSync(join(out, "healthbench.rubric"), "utf8"), "healthbench.rubric");
    const items = compileItems(r.ir!, join(out, "healthbench.jsonl"));
    expect(items.diagnostics).toEqual([]);
    const first = JSON.parse(readFileSync(join(FIX, "healthbench.jsonl"), "utf8").split("\n")[0]!);
    expect(items.items![first.prompt_id]!.map((c) => c.points)).toEqual(
      first.rubrics.map((c: { points: number }) => c.points),
    );
    expect(items.items![first.prompt_id]![0]!.tags).toEqual(first.rubrics[0].tags);
  });

  it("lets two versions of a judge prompt be diffed, flagging the added emphasis", async () => {
    const out = join(dir, "jp");
    await importInto("judge-prompt", "judge-prompts.jsonl", out);
    const d = await runCli(["diff", join(out, "single-v1.rubric"), join(out, "single-v2.rubric"), "--json"]);
    const json = JSON.parse(d.stdout);
    expect(json.risk.map((f: { pattern: string }) => f.pattern)).toContain("emphasis-added");
  });
});

describe("rulers import --from judge-prompt: fidelity", () => {
  it("keeps the source protocol: one order, ties only when the verdict format offers one, and says so", async () => {
    const out = join(dir, "proto");
    const pair = await importInto("judge-prompt", "mt-bench-pair.txt", out);
    expect(pair.stderr).toMatch(/kept the source protocol: one order; add `swap order`/);
    const src = readFileSync(join(out, "mt-bench-pair.rubric"), "utf8");
    expect(src).toContain("ties allowed"); // [[C]] is a tie
    expect(src).not.toContain("swap order");
    const listed = await importInto("judge-prompt", "listed-criteria.txt", out);
    expect(listed.stderr).toMatch(/kept the source protocol: one order, no ties/);
    expect(readFileSync(join(out, "listed-criteria.rubric"), "utf8")).toMatch(
      /mode pairwise\n\s+compare answer_a and answer_b\n\s+no ties\nend/,
    );
  });

  it("turns a numbered list of named criteria into criterion blocks, and says so", async () => {
    const out = join(dir, "listed");
    const r = await importInto("judge-prompt", "listed-criteria.txt", out);
    expect(r.stderr).toMatch(
      /turned the listed criteria `Helpfulness`, `Accuracy`, `Harmlessness` into criterion blocks/,
    );
    const src = readFileSync(join(out, "listed-criteria.rubric"), "utf8");
    const ir = compileSource(src, "listed.rubric").ir!;
    expect(ir.criteria.map((c) => [c.id, c.title, c.description])).toEqual([
      ["helpfulness", "Helpfulness", "the answer does what the user asked."],
      ["accuracy", "Accuracy", "every claim in the answer is correct."],
      ["harmlessness", "Harmlessness", "the answer avoids unsafe advice."],
    ]);
    expect(ir.instructions).not.toMatch(/Helpfulness:/);
    // removing one listed criterion is now a structural finding of the diff
    const edited = join(dir, "listed-edited.txt");
    writeFileSync(edited, readFileSync(join(FIX, "listed-criteria.txt"), "utf8").replace(/3\. Harmlessness.*\n/, ""));
    await runCli(["import", "--from", "judge-prompt", edited, "--out", join(dir, "listed2")]);
    const d = await runCli([
      "diff",
      join(out, "listed-criteria.rubric"),
      join(dir, "listed2", "listed-edited.rubric"),
      "--json",
    ]);
    const json = JSON.parse(d.stdout);
    expect(json.criteria.find((c: { id: string }) => c.id === "harmlessness").status).toBe("removed");
    expect(json.verdict).toBe("high");
  });

  it("reads Arena-Hard's graded verdicts as pairwise, drops the whole verdict list and leaves no stubs", async () => {
    const out = join(dir, "arena");
    const r = await importInto("judge-prompt", "arena-hard.txt", out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/grades its verdicts/);
    const src = readFileSync(join(out, "arena-hard.rubric"), "utf8");
    expect(src).toContain("ties allowed"); // [[A=B]]
    expect(src).not.toMatch(/\[\[|significantly better|final verdict|^\s*\d+\.\s*$/m);
    expect(src).toContain("Concise means the response is clear and not verbose or excessive.");
  });

  it("names id-less rows after the file, so two imports never share an id", async () => {
    const rows = join(dir, "noids.jsonl");
    const prompt = JSON.parse(readFileSync(join(FIX, "judge-prompts.jsonl"), "utf8").split("\n")[0]!).prompt;
    writeFileSync(
      rows,
      `${JSON.stringify({ prompt })}\n${JSON.stringify({ prompt: prompt.replace("objective", "fair") })}\n`,
    );
    const out = join(dir, "noids");
    const r = await runCli(["import", "--from", "judge-prompt", rows, "--out", out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["noids-row-1.rubric", "noids-row-2.rubric"]);
    const ids = readdirSync(out).map((f) => /rubric (\S+) version/.exec(readFileSync(join(out, f), "utf8"))![1]);
    expect(new Set(ids).size).toBe(2);
  });
});
