import { applyToRun, CalibratorMismatchError } from "../../api/apply.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers apply --run run.jsonl --calibrator calibrator.json [--out FILE] [--force]

Adds \`calibrated_score\` to every scored record (default: rewrites the run in place). A
calibrator fitted for another bundle or judge model is refused unless --force.`;

export const command: Command = {
  summary: "add calibrated scores to a run",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { run: { type: "string" }, calibrator: { type: "string" }, out: { type: "string" }, force: { type: "boolean" } },
      HELP,
    );
    if (!values.run || !values.calibrator) throw new CliError(`\`--run\` and \`--calibrator\` are required\n${HELP}`);
    try {
      const { applied, unscored, out } = applyToRun(values.run, values.calibrator, {
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values.force ? { force: true } : {}),
      });
      if (unscored) writeErr(`${unscored} record${unscored === 1 ? "" : "s"} without a score kept as they are`);
      writeOut(`calibrated ${applied} records → ${out}`);
      return 0;
    } catch (err) {
      if (err instanceof CalibratorMismatchError)
        throw new CliError(`${err.path}:${err.line}: ${err.problem}; pass --force to apply it anyway`);
      throw err;
    }
  },
};
