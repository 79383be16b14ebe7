/**
 * Re-cuts the vendored test fixtures under tests/fixtures/ from the full data sets, so the tests
 * never read outside the repository. Deterministic: the same data gives byte-identical files.
 *
 *   npx tsx scripts/cut-fixtures.ts <data-dir>     (the folder holding asap/, e.g. ../shared/data)
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCsv } from "../tests/helpers/csv.js";

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write("usage: npx tsx scripts/cut-fixtures.ts <data-dir>   (the folder holding asap/)\n");
  process.exit(2);
}

/**
 * ASAP set 4, GPT-3.5 against the human raters: every 6th row, the first two rows (tests name essays
 * 8863 and 8864), and both rows of every essay the file repeats (the readers keep the first). Only the
 * score columns are kept: the essays and GPT's rationales are not needed and are most of the 3.7 MB.
 */
const ASAP4_COLUMNS = [
  "essay_id",
  "essay_set",
  "rater1_domain1",
  "rater2_domain1",
  "domain1_score",
  "domain1_Score_gpt",
  "variation",
];
function cutAsap4(): void {
  const src = join(dataDir!, "asap/llm_gpt35_set4/EssaySet4_assessment_results_by_rubric.csv");
  const rows = parseCsv(readFileSync(src, "utf8"));
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.essay_id!, (count.get(r.essay_id!) ?? 0) + 1);
  const kept = rows.filter((r, i) => i % 6 === 0 || i < 2 || count.get(r.essay_id!)! > 1);
  const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [ASAP4_COLUMNS.join(","), ...kept.map((r) => ASAP4_COLUMNS.map((c) => cell(r[c] ?? "")).join(","))];
  const out = "tests/fixtures/asap-gpt35-set4/scores.csv";
  writeFileSync(out, `${lines.join("\n")}\n`);
  process.stdout.write(`${out}: ${kept.length} of ${rows.length} rows\n`);
}

/**
 * JSON as Python's `json.dumps` writes it by default (`", "` and `": "`, non-ASCII as \\uXXXX): the
 * import fixtures were first cut that way, and re-cutting must give the same bytes.
 */
function pythonJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(", ")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${pythonJson(k)}: ${pythonJson(x)}`)
      .join(", ")}}`;
  if (typeof v === "string")
    return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return JSON.stringify(v);
}

/**
 * Import fixtures: two real rows per importer, then one malformed row written by hand (kept here
 * verbatim) that the importer must reject with a clear message.
 */
function cutImport(): void {
  const hbDir = join(dataDir!, "healthbench-examples");
  const wanted = ["1f548d5b-cd00-49a0-b327-283a2e00debd", "0b8f1d60-2081-4562-98f7-b6a976fe1c6d"];
  const examples = readdirSync(hbDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(hbDir, f), "utf8")) as { prompt_id: string });
  const hb = wanted.map((id) => {
    const e = examples.find((x) => x.prompt_id === id);
    if (!e) throw new Error(`HealthBench example ${id} not found under ${hbDir}`);
    return pythonJson(e);
  });
  hb.push(
    '{"prompt_id":"bad-1","prompt":[{"role":"user","content":"hi"}],"rubrics":[{"criterion":"Says hello","points":"five","tags":[]}]}',
  );
  writeFileSync("tests/fixtures/import/healthbench.jsonl", `${hb.join("\n")}\n`);

  const biggen = JSON.parse(
    readFileSync(join(dataDir!, "biggen-rubrics/biggen_sample_responses.json"), "utf8"),
  ) as Record<string, Record<string, unknown>>;
  const pr = ["planning_travel_plan_0", "planning_travel_plan_1"].map((id) => {
    const x = biggen[id];
    if (!x) throw new Error(`BiGGen-Bench instance ${id} not found`);
    const { input, reference_answer, score_rubric } = x;
    return pythonJson({ id, input, reference_answer, score_rubric });
  });
  pr.push('{"id": "broken", "score_rubric": {"criteria": "Is it good?", "score1_description": "bad"}}');
  writeFileSync("tests/fixtures/import/prometheus.jsonl", `${pr.join("\n")}\n`);
  process.stdout.write("tests/fixtures/import/{healthbench,prometheus}.jsonl: 2 real rows + 1 malformed each\n");
}

cutAsap4();
cutImport();
