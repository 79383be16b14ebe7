import {
  agreement,
  crossValidated,
  fitCalibrator,
  join,
  readLabels,
  readRun,
  serializeCalibrator,
  snap,
} from "../../calibrate/index.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { featuresFlag, guard, methodFlag, scaleFlag } from "../calibrate-common.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers calibrate --run run.jsonl --labels labels.jsonl|csv --method ot|isotonic|thresholds --out calibrator.json
                        [--folds K] [--features evidence_rejected,spread,criteria] [--scale MIN..MAX[:STEP]]

Fits a map from the judge's raw scores onto the human scale, on all labelled items, and writes
it as a hashed calibrator tied to the run's bundle and judge model. With --folds K it also
reports cross-validated QWK (raw vs calibrated), fitted on K−1 folds and scored on the held-out one.`;

export const command: Command = {
  summary: "fit a calibrator from raw judge scores onto the human scale",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        run: { type: "string" },
        labels: { type: "string" },
        method: { type: "string" },
        out: { type: "string" },
        folds: { type: "string" },
        features: { type: "string" },
        scale: { type: "string" },
      },
      HELP,
    );
    for (const f of ["run", "labels", "method", "out"] as const)
      if (!values[f]) throw new CliError(`\`--${f}\` is required\n${HELP}`);
    const method = methodFlag(values.method);
    const features = featuresFlag(values.features);
    return guard(() => {
      const { items, failures } = readRun(values.run!);
      const labels = readLabels(values.labels!);
      const data = join(items, labels, { failedIds: failures.ids });
      if (failures.total) writeErr(failures.describe());
      const scale = scaleFlag(values.scale, data);
      const cal = fitCalibrator(data, method, scale, features);
      if (values.folds !== undefined) {
        const k = numberFlag(values.folds, "folds", 5, { integer: true, min: 2 });
        const cv = crossValidated(data, k, method, scale, features);
        const gold = data.map((d) => d.label);
        const raw = data.map((d) => snap(scale, d.item.record.raw_score as number));
        const q = (pred: number[]) => agreement(pred, gold, scale, { resamples: 0 }).metrics.qwk.value;
        writeOut(
          `${k}-fold cross-validated QWK: raw ${q(raw)?.toFixed(3) ?? "undefined"} → calibrated ${q(cv)?.toFixed(3) ?? "undefined"}`,
        );
      }
      writeFileAtomic(values.out!, serializeCalibrator(cal));
      writeOut(`fitted ${method} on ${data.length} pairs → ${values.out} (${cal.hash})`);
      return 0;
    });
  },
};
