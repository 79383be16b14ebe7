/**
 * Adding calibrated scores to a run file, as `rulers apply` does: every scored record gets
 * `calibrated_score` and the calibrator's hash; records without a score are kept as they are.
 */
import { type Calibrator, calibrate, checkCompatible, readCalibrator } from "../calibrate/index.js";
import { eachRecord, isScored } from "../record/index.js";
import { writeFileAtomic } from "../util/atomic.js";
import { RulersError } from "../util/errors.js";
import { extend } from "../util/extend.js";

/** A scored record the calibrator was not fitted for (another bundle or judge model). */
export class CalibratorMismatchError extends RulersError {
  override readonly code: string = "calibrator_mismatch";
  constructor(
    readonly path: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${path}:${line}: ${problem}; pass \`force\` to apply it anyway`);
  }
}

export interface ApplyOptions {
  /** Where the calibrated run goes (default: the run file, rewritten whole). */
  readonly out?: string;
  /** Apply a calibrator fitted for another bundle or judge model anyway. */
  readonly force?: boolean;
}

/** Calibrate the run file `run`; returns how many records were calibrated and how many had no score. */
export function applyToRun(
  run: string,
  calibrator: string | Calibrator,
  opts: ApplyOptions = {},
): { readonly applied: number; readonly unscored: number; readonly out: string } {
  const cal = typeof calibrator === "string" ? readCalibrator(calibrator) : calibrator;
  const out: Record<string, unknown>[] = [];
  let applied = 0;
  eachRecord(run, ({ line, record, raw }) => {
    if (!isScored(record)) return void out.push(raw);
    const problem = checkCompatible(cal, record);
    if (problem && !opts.force) throw new CalibratorMismatchError(run, line, problem);
    applied++;
    out.push(extend(raw, { calibrated_score: calibrate(cal, record), calibrator: cal.hash }));
  });
  const dest = opts.out ?? run;
  writeFileAtomic(dest, out.map((r) => JSON.stringify(r)).join("\n") + (out.length ? "\n" : ""));
  return { applied, unscored: out.length - applied, out: dest };
}
