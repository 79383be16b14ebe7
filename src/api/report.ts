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
import { RulersError } from "../util/errors.js";
import { readJsonl, rowId } from "../util/jsonl.js";

export interface ReportFiles {
  /** run.jsonl */
  readonly run: string;
  /** Human labels (JSONL or CSV): numbers, or A / B / tie for pairwise runs. */
  readonly labels?: string;
  readonly calibrator?: string;
  /** `rulers drift --json` output saved to a file. */
  readonly drift?: string;
  /** The judged rows, so the report can show quotes in their text. */
  readonly input?: string;
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

export function reportFromFiles(files: ReportFiles): ReportData {
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
  let rows: Map<string, Record<string, unknown>> | undefined;
  if (files.input) {
    const r = readJsonl(files.input);
    rows = new Map(r.rows.map((x) => [rowId(x.value, x.line), x.value as Record<string, unknown>]));
  }
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
