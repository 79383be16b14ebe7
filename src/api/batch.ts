/**
 * Batches from code, as `rulers batch prepare` and `ingest` run them: the requests `rulers
 * judge` would send, written as provider batch input files, and the providers' output files
 * read back into the same run records (validated, evidence verified, scored).
 */
import { once } from "node:events";
import { createWriteStream, existsSync, renameSync } from "node:fs";
import type { Bundle } from "../bundle/types.js";
import {
  anthropicCustomId,
  customId,
  type JudgeSettings,
  PartWriter,
  planCalls,
  ResultIndex,
  RowError,
  runJudge,
} from "../execute/index.js";
import { type Cache, createJudgeClient, memoryCache, openCache } from "../judge/index.js";
import type { AnswerFormat, ProviderName } from "../provider/index.js";
import { openRows, type RowSource } from "../rows/index.js";
import { RulersError } from "../util/errors.js";
import { readJsonl, rowId } from "../util/jsonl.js";
import { judgeSettings, providerSetup, providerValues } from "./judge-setup.js";

export type { JudgeSettings };

const stderr = (m: string) => process.stderr.write(`${m}\n`);

/** The judge a batch asks: the same settings as `judge()` takes, less those only a live call has. */
export interface BatchJudgeOptions {
  readonly model: string | readonly string[];
  readonly provider?: ProviderName;
  readonly baseURL?: string;
  readonly format?: AnswerFormat;
  readonly capabilities?: string;
  readonly reasoningEffort?: string;
  readonly reasoningBudget?: number | "off";
  readonly prices?: string;
  readonly samples?: number;
  readonly maxInputChars?: number;
  readonly onWarning?: (message: string) => void;
}

/**
 * The settings every request of a batch is built with (no repairs: a batch answer that does
 * not validate is recorded as failed, and `retryFrom` sends it again).
 */
export function batchSettings(bundle: Bundle, opts: BatchJudgeOptions): JudgeSettings {
  const models = typeof opts.model === "string" ? [opts.model] : [...opts.model];
  if (models.length === 0 || models.some((m) => !m))
    throw new RulersError("give the judge model (`model`): it is part of every request", { code: "usage" });
  const setup = providerSetup(providerValues(opts), bundle, models, opts.onWarning ?? stderr);
  return judgeSettings(bundle, setup, {
    models,
    samples: opts.samples,
    maxRepairs: 0,
    maxInputChars: opts.maxInputChars,
  });
}

async function open(
  path: string,
  bundle: Bundle,
  o: { readonly inputFormat?: string | undefined; readonly map?: readonly string[] | undefined },
  warn: (message: string) => void,
): Promise<RowSource> {
  const source = await openRows(path, {
    ...(o.inputFormat !== undefined ? { format: o.inputFormat } : {}),
    ...(o.map ? { map: [...o.map] } : {}),
    bundle,
  });
  for (const n of source.notes) warn(`note: ${n}`);
  return source;
}

export interface PrepareBatchOptions {
  /** From `batchSettings`: what every request asks. */
  readonly settings: JudgeSettings;
  /** The requests file; several parts are numbered beside it. */
  readonly out: string;
  /** Lines per part (default 50,000, the OpenAI Batch API's limit). */
  readonly maxLines?: number;
  /** Bytes per part (default 200 MiB). */
  readonly maxBytes?: number;
  /** A run file: every item that did not finish in it (failed, invalid, absent) goes into this batch. */
  readonly retryFrom?: string;
  readonly inputFormat?: string | undefined;
  readonly map?: readonly string[] | undefined;
  /** Rows skipped and why; default: stderr. */
  readonly onWarning?: (message: string) => void;
}

export interface PreparedBatch {
  readonly parts: readonly { readonly path: string; readonly lines: number; readonly bytes: number }[];
  readonly items: number;
  readonly requests: number;
  /** Rows that could not be read or made into requests (each named in a warning). */
  readonly skipped: number;
}

/**
 * Write the batch input files for the rows in `input` (JSONL, CSV, TSV or Parquet): OpenAI
 * Batch API lines (`custom_id`, `method`, `url`, `body`), or Anthropic Message Batches requests
 * with `provider: "anthropic"` settings. One part keeps the name `out`; several are numbered.
 */
export async function prepareBatch(bundle: Bundle, input: string, opts: PrepareBatchOptions): Promise<PreparedBatch> {
  const warn = opts.onWarning ?? stderr;
  let done: Set<string> | null = null;
  if (opts.retryFrom !== undefined) {
    if (!existsSync(opts.retryFrom))
      throw new RulersError(`cannot read \`${opts.retryFrom}\`: no such file`, { code: "usage" });
    const { rows } = readJsonl(opts.retryFrom);
    done = new Set(
      rows
        .filter((r) => (r.value as { error?: unknown }).error === undefined)
        .map((r) => String((r.value as { item_id?: unknown }).item_id)),
    );
  }
  const rows = await open(input, bundle, opts, warn);
  const writer = new PartWriter(opts.out, opts.maxLines ?? 50_000, opts.maxBytes ?? 209_715_200);
  let items = 0;
  let requests = 0;
  let skipped = 0;
  try {
    for await (const r of rows) {
      if (r.value === undefined) {
        warn(`${rows.place(r.line)}: ${r.message}; skipped`);
        skipped++;
        continue;
      }
      const row = r.value as Record<string, unknown>;
      const id = rowId(row, r.line);
      if (done?.has(id)) continue;
      try {
        for (const call of planCalls(bundle, opts.settings, row, id)) {
          await writer.write(call.pieces());
          requests++;
        }
        items++;
      } catch (err) {
        if (!(err instanceof RowError)) throw err;
        warn(`${rows.place(r.line)}: ${err.message}; skipped`);
        skipped++;
      }
    }
  } finally {
    await rows.close();
  }
  await writer.close();
  const parts = writer.parts;
  if (parts.length === 1) {
    renameSync(parts[0]!.path, opts.out);
    parts[0] = { ...parts[0]!, path: opts.out };
  }
  return { parts, items, requests, skipped };
}

export interface IngestBatchOptions {
  /** The providers' output files. */
  readonly results: readonly string[];
  /** The run file to write (replaced whole once every row is ingested). */
  readonly out: string;
  /**
   * The settings the requests were prepared with, or a function given the models the results'
   * custom ids name (OpenAI and vLLM ids name them; Anthropic's are hashed and do not).
   */
  readonly settings: JudgeSettings | ((namedModels: readonly string[]) => JudgeSettings);
  /** Where the batch ran, named in records as the judge's host (default `batch`). */
  readonly host?: string;
  readonly baseURL?: string;
  /** A call cache file to fill with the answers. */
  readonly cache?: string;
  readonly inputFormat?: string | undefined;
  readonly map?: readonly string[] | undefined;
  /** Unreadable result lines; default: stderr. */
  readonly onWarning?: (message: string) => void;
}

export interface IngestedBatch {
  readonly items: number;
  readonly scored: number;
  readonly failed: number;
  readonly evidence_verified: number;
  readonly evidence_rejected: number;
  /** Requests no result file answers. */
  readonly missing_results: number;
  /** Results the provider reports as failed, as `custom_id: error`, sorted. */
  readonly failed_results: readonly string[];
  /** Up to 20 answers that did not validate, as `item_id: error`. */
  readonly invalid: readonly string[];
}

/**
 * Read batch output files back into run records, through the same judging code as a live run
 * with the answers taken from the files: the records are those `judge()` would write.
 */
export async function ingestBatch(bundle: Bundle, input: string, opts: IngestBatchOptions): Promise<IngestedBatch> {
  const warn = opts.onWarning ?? stderr;
  for (const f of opts.results)
    if (!existsSync(f)) throw new RulersError(`cannot read results \`${f}\`: no such file`, { code: "usage" });
  const rows = await open(input, bundle, opts, warn);
  const index = new ResultIndex([...opts.results]);
  let disk: Cache | null = null;
  try {
    for (const p of index.problems.slice(0, 20)) warn(p);
    let settings: JudgeSettings;
    if (typeof opts.settings === "function") {
      // The results say which model each request named; a caller's model list only narrows them.
      settings = opts.settings(index.models());
    } else settings = opts.settings;
    disk = opts.cache !== undefined ? openCache(opts.cache) : null;
    return await ingestRows(bundle, rows, index, settings, disk, opts);
  } finally {
    index.close();
    disk?.close();
    await rows.close();
  }
}

async function ingestRows(
  bundle: Bundle,
  rows: RowSource,
  index: ResultIndex,
  settings: JudgeSettings,
  disk: Cache | null,
  opts: IngestBatchOptions,
): Promise<IngestedBatch> {
  const client = createJudgeClient({
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
    ...(settings.provider ? { provider: settings.provider } : {}),
    ...(settings.capabilities ? { capabilities: settings.capabilities } : {}),
    apiKey: "unused",
    timeoutMs: 1000,
    maxRetries: 0,
  });
  const tmp = `${opts.out}.${process.pid}.tmp`;
  // Records are written as they are final; a 1 MB buffer lets judging go on while one is written.
  const out = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  const failed: string[] = [];
  const invalid: string[] = [];
  let missing = 0;
  // Answers are looked up by what each request was; a result file is read only where needed.
  const answers = (q: {
    itemId: string;
    model: string;
    sample: number;
    swapped: boolean;
    criterion?: string | undefined;
  }) => {
    const readable = customId(q.itemId, q.model, q.sample, q.swapped, q.criterion);
    const id = settings.provider === "anthropic" ? anthropicCustomId(readable) : readable;
    const res = index.get(id);
    if (!res) {
      missing++;
      return undefined;
    }
    if (res.completion === null) {
      failed.push(`${id}: ${res.error}`);
      return { error: res.error ?? "failed" };
    }
    return res.completion;
  };
  // One streaming run over every row, each record written as it is final: nothing of a row
  // outlives it (in chunks of 4,000, each chunk's rows and records survived into old space).
  const { summary } = await runJudge({
    bundle,
    rows,
    client,
    cache: disk ?? memoryCache(),
    settings,
    // Nothing waits on a network; more rows in flight only let a durable --cache sync the
    // answers of many rows at once instead of one row at a time.
    concurrency: 32,
    answers,
    host: opts.host ?? "batch",
    progress: false,
    onRecord: async (x) => {
      if (typeof x.error === "string" && !/no batch result/.test(x.error) && invalid.length < 20)
        invalid.push(`${x.item_id}: ${x.error}`);
      if (!out.write(`${JSON.stringify(x)}\n`)) await once(out, "drain");
    },
  });
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  renameSync(tmp, opts.out);
  const { items, scored, evidence_verified, evidence_rejected } = summary;
  return {
    items,
    scored,
    failed: summary.failed,
    evidence_verified,
    evidence_rejected,
    missing_results: missing,
    // Sorted: with rows in flight together, the order answers were looked up in is not the rows'.
    failed_results: failed.sort(),
    invalid,
  };
}
