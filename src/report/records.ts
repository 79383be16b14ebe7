/**
 * Reading run records for the report and the review app, through the run-record contract
 * (src/record): every line checked, errors as `file:line` with the field; failed items are kept
 * (the report shows them) and counted per reason in `failures` when one is given.
 */
import { eachRecord, type FailureTally, isScored, RecordError } from "../record/index.js";
import { RulersError } from "../util/errors.js";

export type RunRecordLike = Record<string, unknown> & { item_id: string };

export class RunFileError extends RulersError {
  override readonly code: string = "run_file";
}

export function readRunRecords(path: string, failures?: FailureTally): RunRecordLike[] {
  const out: RunRecordLike[] = [];
  try {
    eachRecord(path, ({ record, raw }) => {
      if (failures && !isScored(record)) failures.add(record);
      out.push(raw as RunRecordLike);
    });
  } catch (err) {
    if (err instanceof RecordError) throw new RunFileError(err.message);
    throw err;
  }
  return out;
}
