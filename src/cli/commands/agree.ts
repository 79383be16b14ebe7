import {
  agreement,
  calibrate,
  checkCompatible,
  confusionLines,
  crossValidated,
  join,
  metricLines,
  ontoScale,
  readCalibrator,
  readLabels,
  readRun,
} from "../../calibrate/index.js";
import { featuresFlag, guard, methodFlag, scaleFlag } from "../calibrate-common.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";
import { raterAgreement } from "../rater-agreement.js";

const HELP = `usage: rulers agree --run run.jsonl --labels labels.jsonl|csv
                    [--calibrator FILE [--force] | --folds K --method M [--features evidence_rejected,spread,criteria]]
                    [--use raw|calibrated] [--scale MIN..MAX[:STEP]] [--resamples N] [--seed S] [--json]
       rulers agree --labels A.jsonl --against B.jsonl [--scale MIN..MAX[:STEP]] [--json]

Agreement between judge and human scores: QWK, Cohen's kappa (unweighted and linear), exact
and adjacent accuracy, MAE, RMSE, Pearson, Spearman and Kendall tau-b, each with a seeded
bootstrap 95% interval, and the confusion matrix. Reads calibrated_score when present, else
raw_score (--use raw forces raw). With --folds K, a calibrator is fitted on K−1 folds and each
item is scored by the one that did not see it (--features as for \`rulers calibrate\`). A
calibrator fitted for another bundle or judge model is refused unless --force. Judge scores on
another range or a finer grid than the labels are clamped to the label scale and rounded to its
nearest category (counted in the output as \`mapping\`), so agreement is always over the labels'
own categories.

With --against B.jsonl instead of --run, compares two raters' label files (inter-rater
agreement on the items both labelled; pairwise A / tie / B read as 1 / 0.5 / 0).`;

export const command: Command = {
  summary: "agreement metrics with bootstrap intervals against human labels",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        run: { type: "string" },
        labels: { type: "string" },
        calibrator: { type: "string" },
        folds: { type: "string" },
        method: { type: "string" },
        features: { type: "string" },
        use: { type: "string" },
        scale: { type: "string" },
        resamples: { type: "string" },
        seed: { type: "string" },
        json: { type: "boolean" },
        force: { type: "boolean" },
        against: { type: "string" },
      },
      HELP,
    );
    if (values.labels && values.against)
      return guard(() =>
        raterAgreement(values.labels!, values.against!, {
          scale: values.scale,
          resamples: numberFlag(values.resamples, "resamples", 1000, { integer: true, min: 0 }),
          seed: numberFlag(values.seed, "seed", 20260101, { integer: true }),
          json: values.json === true,
        }),
      );
    if (!values.run || !values.labels) throw new CliError(`\`--run\` and \`--labels\` are required\n${HELP}`);
    if (values.use !== undefined && values.use !== "raw" && values.use !== "calibrated")
      throw new CliError("`--use` must be raw or calibrated");
    if (values.calibrator && values.folds)
      throw new CliError("give either --calibrator (a fitted map) or --folds (cross-validated fitting), not both");
    return guard(() => {
      const { items, failures } = readRun(values.run!);
      const labels = readLabels(values.labels!);
      const data = join(items, labels, { failedIds: failures.ids });
      if (failures.total) writeErr(failures.describe());
      if (data.length === 0) throw new CliError("no labelled, scored items to compare");
      const human = scaleFlag(values.scale, data);
      let pred: number[];
      let source: string;
      if (values.folds) {
        const k = numberFlag(values.folds, "folds", 5, { integer: true, min: 2 });
        pred = crossValidated(data, k, methodFlag(values.method, "ot"), human, featuresFlag(values.features));
        source = `${k}-fold cross-validated ${values.method ?? "ot"} calibration`;
      } else if (values.calibrator) {
        const cal = readCalibrator(values.calibrator);
        pred = data.map((d) => {
          const problem = checkCompatible(cal, d.item.record);
          if (problem && !values.force) throw new CliError(`${problem}; pass --force to use it anyway`);
          return calibrate(cal, d.item.record);
        });
        source = `calibrator ${cal.hash.slice(0, 19)}…`;
      } else {
        const useCal = values.use !== "raw" && data.every((d) => typeof d.item.record.calibrated_score === "number");
        pred = data.map((d) => (useCal ? d.item.record.calibrated_score : d.item.record.raw_score) as number);
        source = useCal ? "calibrated_score" : "raw_score";
      }
      // Scores on another range or a finer grid are compared over the label scale's categories.
      const scale = human;
      const onto = ontoScale(scale, pred);
      const mapping = { rounded: onto.rounded, clamped: onto.clamped };
      const mapped =
        onto.rounded || onto.clamped
          ? `${source} mapped onto the label scale: ${onto.rounded} rounded to the nearest category, ${onto.clamped} clamped to its ends`
          : null;
      const report = agreement(
        onto.values,
        data.map((d) => d.label),
        scale,
        {
          resamples: numberFlag(values.resamples, "resamples", 1000, { integer: true, min: 0 }),
          seed: numberFlag(values.seed, "seed", 20260101, { integer: true }),
        },
      );
      if (values.json) {
        writeOut(
          JSON.stringify({
            n: report.n,
            source,
            scale: report.scale,
            mapping,
            metrics: report.metrics,
            confusion: report.confusion,
          }),
        );
        return 0;
      }
      if (mapped) writeErr(mapped);
      writeOut(`${report.n} items, ${source}, scale ${scale.min}..${scale.max} step ${scale.step}`);
      for (const line of [...metricLines(report), ...confusionLines(report.confusion)]) writeOut(line);
      return 0;
    });
  },
};
