import { join } from "node:path";
import { reportFromFiles } from "../../api/report.js";
import { figures, renderHtml } from "../../report/index.js";
import { svgToPng } from "../../report/png.js";
import { RowsError } from "../../rows/index.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { guard } from "../calibrate-common.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";
import { ROW_HELP, ROW_OPTIONS } from "../row-options.js";

const HELP = `usage: rulers report --run run.jsonl --out report.html [--labels FILE] [--calibrator FILE]
                     [--drift drift.json] [--input rows.jsonl|.csv|.tsv|.parquet] [--figures DIR]

One self-contained HTML file (no network): the run's header and failures, score distributions
(raw, calibrated, human), the calibration map and reliability, the confusion matrix and agreement
metrics with intervals, per-criterion results, drift (from \`rulers drift --json\` saved to a
file), and a searchable, sortable table of items; clicking one shows its quotes highlighted in
the judged text (the text is included when --input gives the rows). --figures also writes the
charts as SVG files and as PNG files (2×, dark on white; no browser needed).

${ROW_HELP}`;

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
        ...ROW_OPTIONS,
        figures: { type: "string" },
      },
      HELP,
    );
    if (!values.run || !values.out) throw new CliError(`\`--run\` and \`--out\` are required\n${HELP}`);
    return guard(async () => {
      try {
        return await writeReport();
      } catch (err) {
        if (err instanceof RowsError) throw new CliError(err.message);
        throw err;
      }
    });

    async function writeReport(): Promise<number> {
      const data = await reportFromFiles({
        run: values.run!,
        onWarning: writeErr,
        ...(values.labels ? { labels: values.labels } : {}),
        ...(values.calibrator ? { calibrator: values.calibrator } : {}),
        ...(values.drift ? { drift: values.drift } : {}),
        ...(values.input ? { input: values.input } : {}),
        ...(values["input-format"] !== undefined ? { inputFormat: values["input-format"] } : {}),
        ...(values.map ? { map: values.map } : {}),
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
    }
  },
};
