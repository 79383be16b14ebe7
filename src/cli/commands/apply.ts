import { readFileSync } from "node:fs";
import { calibrate, checkCompatible, readCalibrator } from "../../calibrate/index.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { parseJsonl } from "../../util/jsonl.js";
import { guard } from "../calibrate-common.js";
import { CliError, parseFlags, writeOut } from "../io.js";
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
      let text: string;
      try {
        text = readFileSync(values.run!, "utf8");
      } catch {
        throw new CliError(`cannot read run \`${values.run}\``);
      }
      const { rows, problems } = parseJsonl(text);
      if (problems.length) throw new CliError(`${values.run}:${problems[0]!.line}: ${problems[0]!.message}`);
      let applied = 0;
      const out = rows.map((r) => {
        const rec = r.value as Record<string, unknown>;
        if (typeof rec.raw_score !== "number") return rec;
        const problem = checkCompatible(cal, rec);
        if (problem && !values.force)
          throw new CliError(`${values.run}:${r.line}: ${problem}; pass --force to apply it anyway`);
        applied++;
        return { ...rec, calibrated_score: calibrate(cal, rec), calibrator: cal.hash };
      });
      const dest = values.out ?? values.run!;
      writeFileAtomic(dest, out.map((r) => JSON.stringify(r)).join("\n") + (out.length ? "\n" : ""));
      writeOut(`calibrated ${applied} records → ${dest}`);
      return 0;
    });
  },
};
