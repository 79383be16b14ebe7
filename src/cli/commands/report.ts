import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readCalibrator, readLabels } from "../../calibrate/index.js";
import { FailureTally } from "../../record/index.js";
import { buildReport, figures, renderHtml } from "../../report/index.js";
import { svgToPng } from "../../report/png.js";
import { RunFileError, type RunRecordLike, readRunRecords } from "../../report/records.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { readJsonl, rowId } from "../../util/jsonl.js";
import { guard } from "../calibrate-common.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers report --run run.jsonl --out report.html [--labels FILE] [--calibrator FILE]
                     [--drift drift.json] [--input rows.jsonl] [--figures DIR]

One self-contained HTML file (no network): the run's header and failures, score distributions
(raw, calibrated, human), the calibration map and reliability, the confusion matrix and agreement
metrics with intervals, per-criterion results, drift (from \`rulers drift --json\` saved to a
file), and a searchable, sortable table of items; clicking one shows its quotes highlighted in
the judged text (the text is included when --input gives the rows). --figures also writes the
charts as SVG files and as PNG files (2×, dark on white; no browser needed).`;

/** Pairwise labels are A / B / tie; the report reads them on the preference scale (A = 1, tie = ½, B = 0). */
function numericLabels(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, v] of readLabels(path, { kind: "any" })) {
    const n = typeof v === "number" ? v : ({ A: 1, tie: 0.5, B: 0 } as Record<string, number>)[v];
    if (n === undefined)
      throw new CliError(`${path}: item \`${id}\` has label \`${v}\`, neither a number nor A, B or tie`);
    out.set(id, n);
  }
  return out;
}

export const command: Command = {
  summary: "a self-contained HTML report of a run, its calibration and drift",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        run: { type: "string" },
        out: { type: "string" },
        labels: { type: "string" },
        calibrator: { type: "string" },
        drift: { type: "string" },
        input: { type: "string" },
        figures: { type: "string" },
      },
      HELP,
    );
    if (!values.run || !values.out) throw new CliError(`\`--run\` and \`--out\` are required\n${HELP}`);
    return guard(async () => {
      let modified: string | null = null;
      try {
        modified = statSync(values.run!).mtime.toISOString();
      } catch {
        throw new CliError(`cannot read run \`${values.run}\`: no such file`);
      }
      // Checked against the record contract; failed items stay in the report, marked, and are
      // counted per reason here.
      let records: RunRecordLike[];
      const failures = new FailureTally();
      try {
        records = readRunRecords(values.run!, failures);
      } catch (err) {
        if (err instanceof RunFileError) throw new CliError(err.message);
        throw err;
      }
      if (failures.total) writeErr(failures.describe().replace("left out", "left out of the metrics"));
      let drift: Record<string, unknown> | undefined;
      if (values.drift) {
        try {
          drift = JSON.parse(readFileSync(values.drift, "utf8")) as Record<string, unknown>;
        } catch (err) {
          throw new CliError(
            `cannot read drift report \`${values.drift}\` (${(err as Error).message}); save \`rulers drift --json\` output to a file`,
          );
        }
      }
      let input: Map<string, Record<string, unknown>> | undefined;
      if (values.input) {
        const r = readJsonl(values.input);
        input = new Map(r.rows.map((x) => [rowId(x.value, x.line), x.value as Record<string, unknown>]));
      }
      const data = buildReport({
        records,
        runFile: values.run!,
        runModified: modified,
        ...(values.labels ? { labels: numericLabels(values.labels) } : {}),
        ...(values.calibrator ? { calibrator: readCalibrator(values.calibrator) } : {}),
        ...(drift ? { drift } : {}),
        ...(input ? { rows: input } : {}),
      });
      const html = renderHtml(data);
      writeFileAtomic(values.out!, html);
      writeOut(`wrote ${values.out} (${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB, ${data.items.length} items)`);
      if (values.figures) {
        let failed = 0;
        for (const [name, svg] of Object.entries(await figures(data))) {
          writeFileAtomic(join(values.figures, name), svg);
          writeOut(`wrote ${join(values.figures, name)}`);
          const png = join(values.figures, name.replace(/\.svg$/, ".png"));
          try {
            writeFileAtomic(png, svgToPng(svg));
            writeOut(`wrote ${png}`);
          } catch (err) {
            failed++;
            writeErr(`${png}: ${(err as Error).message}; the SVG is there`);
          }
        }
        if (failed) return 1;
      }
      return 0;
    });
  },
};
