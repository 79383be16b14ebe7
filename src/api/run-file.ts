/**
 * Judging into a run file, as `rulers judge --out` does: records appended the moment they are
 * final, every finished call kept in a cache file beside it, and an interrupted run continued
 * (`resume`) without paying for a call twice. The CLI parses flags, calls `runToFile` and
 * prints; a library caller uses `judgeToFile` with the same options as `judge()`.
 */
import { existsSync } from "node:fs";
import type { Bundle } from "../bundle/types.js";
import {
  OutputError,
  openRunOutput,
  type ResumeState,
  type RunSummary,
  readResume,
  runJudge,
} from "../execute/index.js";
import type { InputLine } from "../execute/run.js";
import { JudgeCallError, openCache, type ProgressMode } from "../judge/index.js";
import { openRows, type RowSource } from "../rows/index.js";
import { errnoOf, RulersError } from "../util/errors.js";
import { calibrateRecord } from "./calibrator.js";
import { type JudgeOptions, type JudgeRow, type PreparedJudge, prepareJudge } from "./judge.js";

/** Where the run goes and how it continues; the judge itself is set up as for `judge()`. */
export interface RunFileOptions extends Omit<JudgeOptions, "cache" | "progress"> {
  /** The run file (JSONL, one record per line). Rewritten from the start unless `resume`. */
  readonly out: string;
  /** The call cache file; default `<out>.cache.jsonl`. Every finished call is kept in it. */
  readonly cache?: string;
  /**
   * Continue an interrupted run: keep the records already in `out` (a torn last line is
   * dropped), judge the rest; finished calls come from the cache, so none is paid twice.
   */
  readonly resume?: boolean;
  /** `auto`: a bar on a terminal, a plain line every 30 s elsewhere (default: `never`). */
  readonly progress?: ProgressMode;
  /** With a rows file path: its format (default: by extension, else JSONL). */
  readonly inputFormat?: string;
  /** With a rows file path: `FIELD=COLUMN` pairs taking row fields from other columns. */
  readonly map?: readonly string[];
}

/** What the file options of a run are, once the judge is prepared (`runToFile`). */
export type FileOptions = Pick<
  RunFileOptions,
  "out" | "cache" | "resume" | "progress" | "limit" | "shard" | "inputFormat" | "map"
>;

/** What a finished run to a file left behind. */
export interface RunFileResult {
  readonly summary: RunSummary;
  readonly out: string;
  readonly cache: string;
  /** Whole records in `out` (those kept from the interrupted run included). */
  readonly records: number;
  /** Dollars this run spent against `maxCost`; undefined without a cap. */
  readonly spentUsd: number | undefined;
  /** With `resume`: what was kept from the interrupted run. */
  readonly resumed: { readonly kept: number; readonly torn: number | null; readonly cachedCalls: number } | undefined;
}

/** Why a run stopped part way: what it had written is whole, and resuming continues it. */
export type StopReason = "budget" | "judge" | "output" | "disk";

/**
 * A run that stopped after it began: the run file holds `kept` whole records (null when it
 * was never opened) and the cache every finished call, so a rerun with `resume` pays for none
 * of them again. `cause` is the error that stopped it.
 */
export class RunStoppedError extends RulersError {
  override readonly code: string = "run_stopped";
  constructor(
    readonly reason: StopReason,
    readonly out: string,
    readonly cachePath: string,
    readonly kept: number | null,
    override readonly cause: Error,
    /** The errno code for `disk`. */
    readonly errno?: string,
  ) {
    super(
      `${reason === "disk" ? `cannot write the cache \`${cachePath}\`: ${errno === "ENOSPC" ? "the disk is full" : cause.message}` : cause.message}. ` +
        `The run stopped;${kept === null ? "" : ` ${out} holds ${kept} whole record${kept === 1 ? "" : "s"};`} ` +
        `finished calls are kept in ${cachePath}, so resuming repeats none of them`,
      { cause },
    );
  }
}

/** Rows to judge: a rows file path, a file opened with `openRows`, or any (async) iterable of row objects. */
export type JudgeRows = string | RowSource | Iterable<JudgeRow> | AsyncIterable<JudgeRow>;

async function* numbered(rows: Iterable<JudgeRow> | AsyncIterable<JudgeRow>): AsyncGenerator<InputLine> {
  let line = 0;
  for await (const value of rows) yield { line: ++line, value: value as unknown };
}

const isSource = (rows: JudgeRows): rows is RowSource => typeof rows === "object" && "place" in rows && "count" in rows;

/**
 * Judge rows into a run file. `rows` is a rows file path (JSONL, CSV, TSV or Parquet), a file
 * opened with `openRows`, or any (async) iterable of row objects. Everything that can be
 * refused is refused before the first call; a run that stops part way throws
 * `RunStoppedError`, and calling again with `resume: true` continues it.
 */
export async function judgeToFile(bundle: Bundle, rows: JudgeRows, options: RunFileOptions): Promise<RunFileResult> {
  const { out, cache, resume, progress, inputFormat, map, ...judgeOptions } = options;
  const prepared = prepareJudge(bundle, judgeOptions);
  return runToFile(bundle, rows, prepared, {
    out,
    ...(cache !== undefined ? { cache } : {}),
    ...(resume !== undefined ? { resume } : {}),
    ...(progress !== undefined ? { progress } : {}),
    ...(inputFormat !== undefined ? { inputFormat } : {}),
    ...(map !== undefined ? { map } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.shard !== undefined ? { shard: options.shard } : {}),
  });
}

/** `judgeToFile` with the judge already prepared (the CLI prepares it from flags). */
export async function runToFile(
  bundle: Bundle,
  input: JudgeRows,
  judge: PreparedJudge,
  file: FileOptions,
): Promise<RunFileResult> {
  const { warn, calibrator, budget } = judge;
  const cachePath = file.cache ?? `${file.out}.cache.jsonl`;
  const progress = file.progress ?? "never";
  let resume: ResumeState | undefined;
  if (file.resume) {
    if (!existsSync(cachePath) && !existsSync(file.out))
      throw new RulersError(`nothing to resume: neither \`${file.out}\` nor the cache \`${cachePath}\` exists`, {
        code: "usage",
      });
    if (existsSync(file.out)) {
      try {
        resume = readResume(file.out, bundle.hash);
      } catch (err) {
        if (err instanceof OutputError) throw new RulersError(err.message, { code: "output", cause: err });
        throw err;
      }
    }
  }
  // Opened after every option is checked and before any call: a missing column stops the run here.
  let source: RowSource | undefined;
  if (typeof input === "string") {
    source = await openRows(input, {
      ...(file.inputFormat !== undefined ? { format: file.inputFormat } : {}),
      ...(file.map ? { map: [...file.map] } : {}),
      bundle,
    });
    for (const n of source.notes) warn(`note: ${n}`);
  } else if (isSource(input)) source = input;
  const rows: AsyncIterable<InputLine> = source ?? numbered(input as Iterable<JudgeRow> | AsyncIterable<JudgeRow>);
  const where = typeof input === "string" ? input : "the rows";
  const cache = openCache(cachePath);
  if (file.resume)
    warn(
      `resuming: ${resume?.kept ?? 0} record${resume?.kept === 1 ? "" : "s"} kept in ${file.out}` +
        `${resume?.torn ? ` (torn line ${resume.torn} dropped)` : ""}, ` +
        `${cache.loaded} finished call${cache.loaded === 1 ? "" : "s"} in ${cachePath}`,
    );
  // Counted only to show a total; a limited run never reads past what it needs.
  const total =
    progress === "never" || !source ? null : Math.max(0, source.count(file.limit) - (resume?.done.size ?? 0));
  let output: ReturnType<typeof openRunOutput> | undefined;
  let badLines = 0;
  try {
    output = openRunOutput(file.out, resume);
    const writer = output;
    const { summary } = await runJudge({
      bundle,
      rows: (async function* () {
        for await (const r of rows) {
          if (r.value === undefined) {
            badLines++;
            if (badLines <= 20)
              warn(
                `${source ? source.place(r.line) : `row ${r.line}`}: ${(r as { message?: string }).message}; the row is recorded as failed`,
              );
          }
          yield r;
        }
      })(),
      client: judge.client,
      cache,
      settings: judge.settings,
      concurrency: judge.concurrency,
      progress,
      total,
      ...(file.limit !== undefined ? { limit: file.limit } : {}),
      ...(file.shard ? { shard: file.shard } : {}),
      ...(resume ? { done: resume.done, prior: resume.totals } : {}),
      onRecord: (r) => writer.write(calibrator ? calibrateRecord(calibrator, r, warn) : r),
    });
    output.close();
    if (badLines > 20) warn(`${where}: ${badLines} rows in all cannot be read`);
    const n = summary.rows_without_id;
    if (n > 0)
      warn(
        `warning: ${n} row${n === 1 ? " has" : "s have"} no \`id\` and ${n === 1 ? "is" : "are"} identified by line number, ` +
          "which changes when rows are added or removed, so labels and reruns may not join; give every row an `id`",
      );
    return {
      summary,
      out: file.out,
      cache: cachePath,
      records: output.count,
      spentUsd: budget?.spent,
      resumed: file.resume
        ? { kept: resume?.kept ?? 0, torn: resume?.torn ?? null, cachedCalls: cache.loaded }
        : undefined,
    };
  } catch (err) {
    const kept = output ? output.count : null;
    try {
      output?.close();
    } catch {
      // Reported below with the first error.
    }
    const stopped = (reason: StopReason, errno?: string) =>
      new RunStoppedError(reason, file.out, cachePath, kept, err as Error, errno);
    if (err instanceof JudgeCallError) throw stopped(err.kind === "budget" ? "budget" : "judge");
    if (err instanceof OutputError) throw stopped("output");
    const code = errnoOf(err);
    if (code === "ENOSPC" || code === "EDQUOT" || code === "EIO" || code === "EROFS") throw stopped("disk", code);
    throw err;
  } finally {
    await source?.close();
    try {
      cache.close();
    } catch {
      // A cache that cannot sync on close has already reported its write error.
    }
  }
}
