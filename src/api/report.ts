/**
 * A report from the files a run leaves: the run (checked against the record contract), and when
 * given, human labels, a calibrator, a saved drift report and the judged rows. `rulers report`
 * renders what this returns; a caller can render it the same way (`renderHtml`).
 */
import { readFileSync, statSync } from "node:fs";
import { readCalibrator, readLabels } from "../calibrate/index.js";
import { FailureTally } from "../record/index.js";
import { buildReport, type ReportData } from "../report/index.js";
import { readRunRecords } from "../report/records.js";
import { openRows } from "../rows/index.js";
import { RulersError } from "../util/errors.js";
import { rowId } from "../util/jsonl.js";

export interface ReportFiles {
  /** run.jsonl */
  readonly run: string;
  /** Human labels (JSONL or CSV): numbers, or A / B / tie for pairwise runs. */
  readonly labels?: string;
  readonly calibrator?: string;
  /** `rulers drift --json` output saved to a file. */
  readonly drift?: string;
  /** The judged rows (JSONL, CSV, TSV or Parquet), so the report can show quotes in their text. */
  readonly input?: string;
  /** The rows' format when the extension does not say: `jsonl`, `csv`, `tsv` or `parquet`. */
  readonly inputFormat?: string;
  /** Row fields taken from columns of other names, as `rulers judge --map` takes them. */
  readonly map?: readonly string[] | Readonly<Record<string, string>>;
  /** How many failed items are left out of the metrics; default: stderr. */
  readonly onWarning?: (message: string) => void;
}

/** Pairwise labels are A / B / tie; the report reads them on the preference scale (A = 1, tie = ½, B = 0). */
function numericLabels(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, v] of readLabels(path, { kind: "any" })) {
    const n = typeof v === "number" ? v : ({ A: 1, tie: 0.5, B: 0 } as Record<string, number>)[v];
    if (n === undefined)
      throw new RulersError(`${path}: item \`${id}\` has label \`${v}\`, neither a number nor A, B or tie`, {
        code: "data",
      });
    out.set(id, n);
  }
  return out;
}

/** Warnings about single rows past this many are counted, not printed. */
const ROW_WARNINGS = 20;

/**
 * The rows of the run's items, by the id the run knows each under (its row number when it has
 * no `id`), read once through the row source `rulers judge` reads. Only the run's rows are
 * kept; a row that cannot be read is named by its number and left out.
 */
async function readRows(
  files: ReportFiles & { readonly input: string },
  ids: ReadonlySet<string>,
  warn: (message: string) => void,
): Promise<Map<string, Record<string, unknown>>> {
  const source = await openRows(files.input, {
    ...(files.inputFormat !== undefined ? { format: files.inputFormat } : {}),
    ...(files.map ? { map: files.map } : {}),
  });
  for (const n of source.notes) warn(`note: ${n}`);
  const rows = new Map<string, Record<string, unknown>>();
  let bad = 0;
  for await (const r of source) {
    if (r.message !== undefined) {
      if (++bad <= ROW_WARNINGS) warn(`warning: ${source.place(r.line)}: ${r.message}; the row's text is left out`);
      continue;
    }
    const id = rowId(r.value, r.line);
    if (ids.has(id)) rows.set(id, r.value as Record<string, unknown>);
  }
  if (bad > ROW_WARNINGS) warn(`warning: ${bad - ROW_WARNINGS} more rows of \`${files.input}\` cannot be read`);
  return rows;
}

export async function reportFromFiles(files: ReportFiles): Promise<ReportData> {
  const warn = files.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
  let modified: string | null = null;
  try {
    modified = statSync(files.run).mtime.toISOString();
  } catch {
    throw new RulersError(`cannot read run \`${files.run}\`: no such file`, { code: "run_file" });
  }
  // Checked against the record contract; failed items stay in the report, marked, and are
  // counted per reason here.
  const failures = new FailureTally();
  const records = readRunRecords(files.run, failures);
  if (failures.total) warn(failures.describe().replace("left out", "left out of the metrics"));
  let drift: Record<string, unknown> | undefined;
  if (files.drift) {
    try {
      drift = JSON.parse(readFileSync(files.drift, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new RulersError(
        `cannot read drift report \`${files.drift}\` (${(err as Error).message}); save \`rulers drift --json\` output to a file`,
        { code: "data" },
      );
    }
  }
  const rows = files.input
    ? await readRows({ ...files, input: files.input }, new Set(records.map((r) => String(r.item_id))), warn)
    : undefined;
  return buildReport({
    records,
    runFile: files.run,
    runModified: modified,
    ...(files.labels ? { labels: numericLabels(files.labels) } : {}),
    ...(files.calibrator ? { calibrator: readCalibrator(files.calibrator) } : {}),
    ...(drift ? { drift } : {}),
    ...(rows ? { rows } : {}),
  });
}
