/**
 * The run file as it is written: one record per line, appended the moment the record is final,
 * so `kill -9` leaves whole records and at most one torn line. A write that fails (disk full,
 * I/O error) cuts the file back to its last whole record before the error is reported, so the
 * file is always a valid prefix of the run that `--resume` can continue.
 */
import { closeSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import {
  addRecord,
  emptyTotals,
  parseRecordLine,
  RecordError,
  type RecordTotals,
  type RunRecord,
} from "../record/index.js";
import { CompactKeys } from "../util/compact-keys.js";
import { eachLine } from "../util/jsonl.js";

export class OutputError extends Error {
  override readonly name = "OutputError";
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface RunOutput {
  readonly path: string;
  /** Records in the file (those kept from a resumed run included). */
  readonly count: number;
  write(record: RunRecord): void;
  /** Syncs and closes; the file then holds every record written. */
  close(): void;
}

export interface ResumeState {
  /** Item ids whose records the file already holds. */
  readonly done: CompactKeys;
  /** Whole records kept. */
  readonly kept: number;
  /** What they hold, for the summary of the resumed run. */
  readonly totals: RecordTotals;
  /** Bytes of the file that hold them; anything after (a torn last line) is cut off. */
  readonly bytes: number;
  /** The torn line that was dropped, by number, or null. */
  readonly torn: number | null;
}

/**
 * What an interrupted run's file already holds. Every whole line must be a record of this
 * bundle (a file from another run is refused, never appended to); a last line without its
 * newline is the one write a crash can cut, and is dropped.
 */
export function readResume(path: string, bundleHash: string): ResumeState {
  const done = new CompactKeys();
  const totals = emptyTotals();
  let bytes = 0;
  let kept = 0;
  let torn: number | null = null;
  eachLine(path, ({ text, line, terminated }) => {
    if (!terminated) {
      torn = text.trim() === "" ? null : line;
      return false;
    }
    if (text.trim() !== "") {
      let r: RunRecord;
      try {
        r = parseRecordLine(text, `${path}:${line}`);
      } catch (err) {
        if (err instanceof RecordError)
          throw new OutputError(`cannot resume: ${err.message}; the file is not a run this command wrote`);
        throw err;
      }
      if (r.bundle.hash !== bundleHash)
        throw new OutputError(
          `cannot resume: ${path}:${line} was judged with bundle ${r.bundle.hash}, not ${bundleHash}; give another --out`,
        );
      if (done.has(r.item_id))
        throw new OutputError(`cannot resume: ${path}:${line}: item \`${r.item_id}\` appears twice`);
      done.add(r.item_id);
      addRecord(totals, r);
      kept++;
    }
    bytes += Buffer.byteLength(text, "utf8") + 1;
    return true;
  });
  return { done, kept, totals, bytes, torn };
}

function ioError(path: string, err: unknown): OutputError {
  const e = err as NodeJS.ErrnoException;
  const what = e.code === "ENOSPC" ? "the disk is full" : e.code === "EDQUOT" ? "the disk quota is used up" : e.message;
  return new OutputError(`cannot write \`${path}\`: ${what}`, e.code);
}

/** Opens the run file: truncated for a fresh run, or cut back to `resume.bytes` and appended to. */
export function openRunOutput(path: string, resume?: ResumeState): RunOutput {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, resume ? "r+" : "w");
    if (resume) ftruncateSync(fd, resume.bytes);
  } catch (err) {
    throw ioError(path, err);
  }
  let size = resume?.bytes ?? 0;
  let count = resume?.kept ?? 0;
  let closed = false;
  return {
    path,
    get count() {
      return count;
    },
    write(record) {
      const text = `${JSON.stringify(record)}\n`;
      const length = Buffer.byteLength(text, "utf8");
      try {
        // The string is written as it is (no Buffer copy per record); a short write, rare on a
        // regular file, finishes from a Buffer.
        let off = writeSync(fd, text, size, "utf8");
        if (off < length) {
          const data = Buffer.from(text, "utf8");
          while (off < length) off += writeSync(fd, data, off, length - off, size + off);
        }
      } catch (err) {
        try {
          ftruncateSync(fd, size);
        } catch {
          // The write error is the one to report.
        }
        throw ioError(path, err);
      }
      size += length;
      count++;
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        fdatasyncSync(fd);
      } catch (err) {
        throw ioError(path, err);
      } finally {
        closeSync(fd);
      }
    },
  };
}
