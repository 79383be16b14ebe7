import { calibrateRun, serializeCalibrator } from "../../api/calibrate.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { featuresFlag, methodFlag } from "../calibrate-common.js";
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
    const folds =
      values.folds !== undefined ? numberFlag(values.folds, "folds", 5, { integer: true, min: 2 }) : undefined;
    const { calibrator, pairs, crossValidated } = calibrateRun({
      run: values.run!,
      labels: values.labels!,
      method,
      features,
      ...(values.scale ? { scale: values.scale } : {}),
      ...(folds !== undefined ? { folds } : {}),
      onWarning: writeErr,
    });
    if (crossValidated)
      writeOut(
        `${crossValidated.folds}-fold cross-validated QWK: raw ${crossValidated.rawQwk?.toFixed(3) ?? "undefined"} → calibrated ${crossValidated.calibratedQwk?.toFixed(3) ?? "undefined"}`,
      );
    writeFileAtomic(values.out!, serializeCalibrator(calibrator));
    writeOut(`fitted ${method} on ${pairs} pairs → ${values.out} (${calibrator.hash})`);
    return 0;
  },
};
