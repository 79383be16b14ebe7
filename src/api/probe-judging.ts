/**
 * Judging the same probe rows with one or more bundles (drift, audit): the same judge, the
 * same decoding settings (the first bundle's) and one cache for all, so the only difference
 * between the runs is the rubric, and a rerun pays for nothing twice.
 */
import { existsSync } from "node:fs";
import type { Bundle } from "../bundle/types.js";
import type { Rec } from "../drift/index.js";
import { runJudge } from "../execute/index.js";
import { createJudgeClient, JudgeCallError, openCache } from "../judge/index.js";
import { openRows } from "../rows/index.js";
import { writeFileAtomic } from "../util/atomic.js";
import { RulersError } from "../util/errors.js";
import type { JsonlProblem, JsonlResult, JsonlRow } from "../util/jsonl.js";

/** How probe rows are judged; unset numbers take `rulers judge`'s defaults, samples the first bundle's. */
export interface ProbeJudgeOptions {
  /** The judge model; several form a panel. */
  readonly model: string | readonly string[];
  readonly baseURL?: string;
  readonly apiKey?: string;
  /** Read the key from this environment variable. */
  readonly apiKeyEnv?: string;
  readonly concurrency?: number;
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
  readonly samples?: number;
  /** `json_schema` (default) or `json`. */
  readonly format?: "json_schema" | "json";
  readonly maxRepairs?: number;
  readonly maxInputChars?: number;
  /** Judge only the first N rows. */
  readonly limit?: number;
  /** The call cache file shared by every bundle's run. */
  readonly cache: string;
  /** Files to write each bundle's run to (JSONL records), by position. */
  readonly keep?: readonly (string | undefined)[];
  /** Notes (a later bundle pinning other judge settings); default: stderr. */
  readonly onWarning?: (message: string) => void;
}

/** Probe rows read whole, in any rows format: every bundle judges them and reports join on them. */
export async function readProbeRows(
  path: string,
  opts: {
    readonly inputFormat?: string | undefined;
    readonly map?: readonly string[] | undefined;
    readonly onWarning?: (m: string) => void;
  } = {},
): Promise<JsonlResult> {
  if (!existsSync(path)) throw new RulersError(`cannot read probe rows \`${path}\`: no such file`, { code: "usage" });
  const source = await openRows(path, {
    ...(opts.inputFormat !== undefined ? { format: opts.inputFormat } : {}),
    ...(opts.map ? { map: [...opts.map] } : {}),
  });
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
  for (const n of source.notes) warn(`note: ${n}`);
  const rows: JsonlRow[] = [];
  const problems: JsonlProblem[] = [];
  for await (const r of source) {
    if (r.message !== undefined) problems.push({ line: r.line, message: r.message });
    else rows.push({ line: r.line, value: r.value });
  }
  return { rows, problems };
}

/** The probe rows judged with each bundle in turn, one run (records in row order) per bundle. */
export async function judgeProbes(
  bundles: readonly Bundle[],
  probe: JsonlResult,
  opts: ProbeJudgeOptions,
): Promise<Rec[][]> {
  const models = typeof opts.model === "string" ? [opts.model] : [...opts.model];
  if (models.length === 0 || models.some((m) => !m))
    throw new RulersError("give the judge model (`model`)", { code: "usage" });
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
  if (opts.apiKeyEnv && process.env[opts.apiKeyEnv] === undefined)
    throw new RulersError(`apiKeyEnv ${opts.apiKeyEnv}: the variable is not set`, { code: "usage" });
  const concurrency = opts.concurrency ?? 8;
  const client = createJudgeClient({
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
    ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}),
    ...(opts.apiKeyEnv ? { apiKey: process.env[opts.apiKeyEnv]! } : {}),
    timeoutMs: opts.timeoutMs ?? 120_000,
    maxRetries: opts.maxRetries ?? 4,
    maxInFlight: concurrency,
  });
  // One judge and one set of decoding settings (the first bundle's) for every side; a later
  // bundle pinning others is told, not obeyed.
  const j = bundles[0]!.body.rubric.judge;
  for (const other of bundles.slice(1)) {
    const ci = other.body.rubric;
    const pinned = (["temperature", "samples", "seed", "max_tokens"] as const).filter((k) => ci.judge[k] !== j[k]);
    if (pinned.length)
      warn(
        `note: the candidate pins other judge settings (${pinned.map((k) => `${k} ${String(ci.judge[k])}`).join(", ")}); both sides use the base bundle's, so only the rubric differs`,
      );
  }
  const settings = {
    models,
    temperature: j.temperature,
    samples: opts.samples ?? j.samples,
    seed: j.seed,
    max_tokens: j.max_tokens,
    format: opts.format ?? "json_schema",
    maxRepairs: opts.maxRepairs ?? 1,
    maxInputChars: opts.maxInputChars ?? 200_000,
  };
  const cache = openCache(opts.cache);
  try {
    const runs: Rec[][] = [];
    for (const bundle of bundles) {
      const judged = await runJudge({
        bundle,
        rows: probe.rows,
        problems: probe.problems,
        client,
        cache,
        settings,
        concurrency,
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      });
      runs.push(judged.records as Rec[]);
    }
    runs.forEach((recs, i) => {
      const path = opts.keep?.[i];
      if (path) writeFileAtomic(path, recs.map((r) => JSON.stringify(r)).join("\n") + (recs.length ? "\n" : ""));
    });
    return runs;
  } catch (err) {
    if (err instanceof JudgeCallError)
      throw new RulersError(
        `${err.message}. Finished calls are kept in ${opts.cache}; rerunning repeats none of them`,
        { code: "run_stopped", cause: err },
      );
    throw err;
  } finally {
    cache.close();
  }
}
