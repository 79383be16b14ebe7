/**
 * Judging probe rows with one or more bundles for `drift` and `audit`: the same judge, the same
 * decoding settings (the first bundle's) and one cache for all, so the only difference between
 * the runs is the rubric, and a rerun pays for nothing twice.
 */
import { BundleError } from "../bundle/file.js";
import { LockError, readLock, resolveBundleRef } from "../bundle/lock.js";
import type { Bundle } from "../bundle/types.js";
import { verifyBundleFile } from "../bundle/verify.js";
import type { Rec } from "../drift/index.js";
import { runJudge } from "../execute/index.js";
import { createJudgeClient, JudgeCallError, openCache } from "../judge/index.js";
import { writeFileAtomic } from "../util/atomic.js";
import type { JsonlResult } from "../util/jsonl.js";
import { CliError, numberFlag, writeErr } from "./io.js";

/** The judge flags both commands take, for parseFlags. */
export const JUDGE_FLAGS = {
  model: { type: "string", multiple: true },
  "base-url": { type: "string" },
  "api-key-env": { type: "string" },
  lock: { type: "string" },
  concurrency: { type: "string" },
  "max-retries": { type: "string" },
  "timeout-s": { type: "string" },
  samples: { type: "string" },
  format: { type: "string" },
  "max-repairs": { type: "string" },
  "max-input-chars": { type: "string" },
  limit: { type: "string" },
  cache: { type: "string" },
} as const;

export type Values = Record<string, string | boolean | string[] | undefined>;

export function loadBundle(ref: string, lockPath: string | undefined): Bundle {
  try {
    const lock = lockPath ? readLock(lockPath) : undefined;
    const v = verifyBundleFile(resolveBundleRef(ref, lockPath), lock ? { lock } : {});
    if (!v.bundle || v.problems.length)
      throw new CliError(`refusing \`${ref}\`: ${v.problems.map((p) => p.message).join("; ")}`);
    return v.bundle;
  } catch (err) {
    if (err instanceof LockError || err instanceof BundleError) throw new CliError(err.message);
    throw err;
  }
}

/**
 * Judges the probe rows with each bundle in turn; `keep` names files to write each run to.
 * `defaultCache` is the cache file used without `--cache`.
 */
export async function judgeBundles(
  values: Values,
  probe: JsonlResult,
  bundles: readonly Bundle[],
  defaultCache: string,
  keep?: readonly string[],
): Promise<Rec[][]> {
  const str = (k: string) => values[k] as string | undefined;
  const models = (values.model as string[] | undefined) ?? (process.env.RULERS_MODEL ? [process.env.RULERS_MODEL] : []);
  if (models.length === 0) throw new CliError("give the judge model with --model (or set RULERS_MODEL)");
  const format = str("format") ?? "json_schema";
  if (format !== "json_schema" && format !== "json")
    throw new CliError(`\`--format\` must be json_schema or json, got \`${format}\``);
  const apiKeyEnv = str("api-key-env");
  if (apiKeyEnv && process.env[apiKeyEnv] === undefined)
    throw new CliError(`\`--api-key-env ${apiKeyEnv}\`: the variable is not set`);
  const concurrency = numberFlag(str("concurrency"), "concurrency", 8, { integer: true, min: 1 });
  const client = createJudgeClient({
    ...(str("base-url") ? { baseURL: str("base-url")! } : {}),
    ...(apiKeyEnv ? { apiKey: process.env[apiKeyEnv]! } : {}),
    timeoutMs: numberFlag(str("timeout-s"), "timeout-s", 120, { min: 0.001 }) * 1000,
    maxRetries: numberFlag(str("max-retries"), "max-retries", 4, { integer: true, min: 0 }),
    maxInFlight: concurrency,
  });
  // One judge and one set of decoding settings (the first bundle's) for every side; a later
  // bundle pinning others is told, not obeyed.
  const j = bundles[0]!.body.rubric.judge;
  for (const other of bundles.slice(1)) {
    const ci = other.body.rubric;
    const pinned = (["temperature", "samples", "seed", "max_tokens"] as const).filter((k) => ci.judge[k] !== j[k]);
    if (pinned.length)
      writeErr(
        `note: the candidate pins other judge settings (${pinned.map((k) => `${k} ${String(ci.judge[k])}`).join(", ")}); both sides use the base bundle's, so only the rubric differs`,
      );
  }
  const settings = {
    models,
    temperature: j.temperature,
    samples: numberFlag(str("samples"), "samples", j.samples, { integer: true, min: 1 }),
    seed: j.seed,
    max_tokens: j.max_tokens,
    format: format as "json_schema" | "json",
    maxRepairs: numberFlag(str("max-repairs"), "max-repairs", 1, { integer: true, min: 0 }),
    maxInputChars: numberFlag(str("max-input-chars"), "max-input-chars", 200_000, { integer: true, min: 1 }),
  };
  const limit =
    str("limit") !== undefined ? { limit: numberFlag(str("limit"), "limit", 0, { integer: true, min: 0 }) } : {};
  const cachePath = str("cache") ?? defaultCache;
  const cache = openCache(cachePath);
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
        ...limit,
      });
      runs.push(judged.records as Rec[]);
    }
    runs.forEach((recs, i) => {
      const path = keep?.[i];
      if (path) writeFileAtomic(path, recs.map((r) => JSON.stringify(r)).join("\n") + (recs.length ? "\n" : ""));
    });
    return runs;
  } catch (err) {
    if (err instanceof JudgeCallError)
      throw new CliError(`${err.message}. Finished calls are kept in ${cachePath}; rerunning repeats none of them`);
    throw err;
  } finally {
    cache.close();
  }
}
