/**
 * Judging from code: the same locked path as `rulers judge` (provider adapters, structured
 * output, validation and repair, evidence verification, scoring, the call cache), as an async
 * iterable of run records in input order. Records are handed over as they are finished, with
 * back-pressure: a consumer that stops pulling stops the run from racing ahead of it.
 */
import type { Bundle } from "../bundle/types.js";
import { type Calibrator, readCalibrator } from "../calibrate/index.js";
import type { JudgeSettings } from "../execute/index.js";
import { type RunSummary, runJudge } from "../execute/index.js";
import type { Budget } from "../judge/budget.js";
import type { JudgeClient } from "../judge/client.js";
import { type Cache, memoryCache, openCache } from "../judge/index.js";
import type { AnswerFormat, Guided, ProviderName } from "../provider/index.js";
import type { RunRecord } from "../record/index.js";
import { RowSource } from "../rows/index.js";
import { RulersError } from "../util/errors.js";
import { calibrateRecord } from "./calibrator.js";
import {
  budgetFor,
  judgeClientFor,
  judgeSettings,
  providerSetup,
  providerValues,
  warnUnpriced,
} from "./judge-setup.js";

export interface JudgeOptions {
  /** The judge model; several form a panel (per-criterion strict majority). */
  readonly model: string | readonly string[];
  /** Default: from `baseURL`'s host, else the model name. */
  readonly provider?: ProviderName;
  /** Any OpenAI-compatible endpoint, or a provider's own base URL. */
  readonly baseURL?: string;
  readonly apiKey?: string;
  /** Read the key from this environment variable (default: the provider's usual one). */
  readonly apiKeyEnv?: string;
  /** How the answer is constrained: native schema (default), a forced tool call, or JSON mode. */
  readonly format?: AnswerFormat;
  /** An OpenAI-compatible server's own guided-decoding field. */
  readonly guided?: Guided;
  /** A capabilities file (JSON) in front of the shipped table. */
  readonly capabilities?: string;
  /** Override the rubric's reasoning effort (`off` sends none); recorded as an override. */
  readonly reasoningEffort?: string;
  readonly reasoningBudget?: number | "off";
  /** A prices file in front of the shipped list. */
  readonly prices?: string;
  /** Start no call that would take the projected spend past this many dollars. */
  readonly maxCost?: number;
  readonly concurrency?: number;
  /** Judgments per item (default: the rubric's). */
  readonly samples?: number;
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
  readonly maxRepairs?: number;
  readonly maxInputChars?: number;
  /** A cache file path (every finished call kept) or an open cache; default: in memory. */
  readonly cache?: string | Cache;
  /** Add `calibrated_score` with this calibrator (a file path or one already read). */
  readonly calibrator?: string | Calibrator;
  readonly limit?: number;
  readonly shard?: { readonly index: number; readonly count: number };
  /** A progress line on stderr (default: off for the library). */
  readonly progress?: boolean;
  /** Notes and warnings (unpriced models, loosened schemas); default: stderr. */
  readonly onWarning?: (message: string) => void;
}

/** A row: a JSON object with the rubric's inputs (and an `id`). */
export type JudgeRow = Readonly<Record<string, unknown>>;

export interface JudgeRun extends AsyncIterable<RunRecord> {
  /** The run's totals, once every record has been taken. */
  readonly summary: Promise<RunSummary>;
}

function modelsOf(opts: JudgeOptions): string[] {
  const models = typeof opts.model === "string" ? [opts.model] : [...opts.model];
  if (models.length === 0 || models.some((m) => !m))
    throw new RulersError("give the judge model (`model`)", { code: "usage" });
  return models;
}

export function calibratorFor(bundle: Bundle, c: JudgeOptions["calibrator"]): Calibrator | undefined {
  if (c === undefined) return undefined;
  const cal = typeof c === "string" ? readCalibrator(c) : c;
  // Checked before any call: a calibrator for another bundle would be paid for and useless.
  if (cal.body.bundle.hash !== bundle.hash)
    throw new RulersError(`the calibrator was fitted for bundle ${cal.body.bundle.hash}, not ${bundle.hash}`, {
      code: "calibrator_mismatch",
    });
  return cal;
}

async function* numbered(rows: Iterable<JudgeRow> | AsyncIterable<JudgeRow>) {
  let line = 0;
  for await (const value of rows) yield { line: ++line, value: value as unknown };
}

/** A judge made ready from options: every refusal already made, nothing called yet. */
export interface PreparedJudge {
  readonly client: JudgeClient;
  readonly settings: JudgeSettings;
  readonly concurrency: number;
  /** The spending cap, when one was set: `spent` says what this run paid. */
  readonly budget: Budget | undefined;
  readonly calibrator: Calibrator | undefined;
  readonly warn: (message: string) => void;
}

/**
 * Everything `judge()` and `judgeToFile()` check and build before the first call: the provider
 * setup, the spending cap, the calibrator and the client.
 */
export function prepareJudge(bundle: Bundle, options: JudgeOptions): PreparedJudge {
  const models = modelsOf(options);
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
  const setup = providerSetup(providerValues(options), bundle, models, warn);
  warnUnpriced(setup.prices, models, options.prices, warn);
  const budget =
    options.maxCost !== undefined ? budgetFor(options.maxCost, setup.prices, models, "maxCost") : undefined;
  if (options.apiKeyEnv && process.env[options.apiKeyEnv] === undefined)
    throw new RulersError(`apiKeyEnv ${options.apiKeyEnv}: the variable is not set`, { code: "usage" });
  const calibrator = calibratorFor(bundle, options.calibrator);
  const concurrency = options.concurrency ?? 8;
  const client = judgeClientFor(
    setup,
    {
      ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
      ...(options.apiKeyEnv !== undefined
        ? { apiKey: process.env[options.apiKeyEnv]!, apiKeyEnv: options.apiKeyEnv }
        : {}),
      timeoutMs: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 4,
      maxInFlight: concurrency,
    },
    budget,
  );
  return {
    client,
    concurrency,
    budget,
    calibrator,
    warn,
    settings: judgeSettings(bundle, setup, {
      models,
      samples: options.samples,
      maxRepairs: options.maxRepairs,
      maxInputChars: options.maxInputChars,
    }),
  };
}

/**
 * Judge rows with a verified bundle (see `loadBundle`). Everything that can be refused is
 * refused before the first call: unknown settings, a schema the provider cannot express, a
 * calibrator for another bundle, a budget already spent.
 *
 * `rows` is any (async) iterable of row objects, numbered from 1 in order, or a file opened
 * with `openRows(path, { bundle })` (JSONL, CSV, TSV or Parquet): then records carry the file's
 * row numbers, and a row that cannot be read becomes a failed record instead of stopping the run.
 */
export function judge(
  bundle: Bundle,
  rows: Iterable<JudgeRow> | AsyncIterable<JudgeRow> | RowSource,
  options: JudgeOptions,
): JudgeRun {
  const { client, concurrency, settings, calibrator, warn } = prepareJudge(bundle, options);
  const ownCache = typeof options.cache === "string";
  const cache: Cache = typeof options.cache === "string" ? openCache(options.cache) : (options.cache ?? memoryCache());

  // A small hand-over queue: the run waits when the consumer has not taken the last records.
  const queue: RunRecord[] = [];
  let wake: (() => void) | null = null;
  let room: (() => void) | null = null;
  let finished = false;
  let failure: unknown = null;
  // A consumer that stops early (`break`) must not leave the run waiting for room forever.
  let abandoned = false;
  const limit = Math.max(16, concurrency * 4);
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const summary = runJudge({
    bundle,
    rows: rows instanceof RowSource ? rows : numbered(rows),
    client,
    cache,
    concurrency,
    progress: options.progress ?? false,
    settings,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    onRecord: async (r) => {
      queue.push(calibrator ? calibrateRecord(calibrator, r, warn) : r);
      poke();
      if (queue.length >= limit && !abandoned) await new Promise<void>((resolve) => (room = resolve));
    },
  })
    .then((r) => r.summary)
    .catch((err: unknown) => {
      failure = err;
      throw err;
    })
    .finally(() => {
      finished = true;
      if (ownCache) cache.close();
      poke();
    });
  // The iterator reports a failure; the promise must not also count as unhandled.
  summary.catch(() => {});

  return {
    summary,
    async *[Symbol.asyncIterator]() {
      try {
        yield* drain();
      } finally {
        abandoned = true;
        queue.length = 0;
        const free = room as (() => void) | null;
        room = null;
        free?.();
      }
    },
  };

  async function* drain(): AsyncGenerator<RunRecord> {
    for (;;) {
      if (queue.length) {
        const r = queue.shift()!;
        const free = room as (() => void) | null;
        room = null;
        free?.();
        yield r;
        continue;
      }
      if (finished) {
        if (failure !== null) throw failure;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
}
