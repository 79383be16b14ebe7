/**
 * Re-cuts the vendored test fixtures under tests/fixtures/ from the full data sets, so the tests
 * never read outside the repository. Deterministic: the same data gives byte-identical files.
 *
 *   npx tsx scripts/cut-fixtures.ts <data-dir>     (the folder holding asap/, e.g. ../shared/data)
 */
import { readFileSync, writeFileSync } from "node:fs";
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

cutAsap4();
