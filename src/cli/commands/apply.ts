import { calibrate, checkCompatible, readCalibrator } from "../../calibrate/index.js";
import { eachRecord, isScored, RecordError } from "../../record/index.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { guard } from "../calibrate-common.js";
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
    return guard(() => {
      const cal = readCalibrator(values.calibrator!);
      const out: Record<string, unknown>[] = [];
      let applied = 0;
      try {
        eachRecord(values.run!, ({ line, record, raw }) => {
          if (!isScored(record)) return void out.push(raw);
          const problem = checkCompatible(cal, record);
          if (problem && !values.force)
            throw new CliError(`${values.run}:${line}: ${problem}; pass --force to apply it anyway`);
          applied++;
          out.push({ ...raw, calibrated_score: calibrate(cal, record), calibrator: cal.hash });
        });
      } catch (err) {
        if (err instanceof RecordError) throw new CliError(err.message);
        throw err;
      }
      const failed = out.length - applied;
      if (failed) writeErr(`${failed} record${failed === 1 ? "" : "s"} without a score kept as they are`);
      const dest = values.out ?? values.run!;
      writeFileAtomic(dest, out.map((r) => JSON.stringify(r)).join("\n") + (out.length ? "\n" : ""));
      writeOut(`calibrated ${applied} records → ${dest}`);
      return 0;
    });
  },
};
