/**
 * The judge flags `drift` and `audit` share, read into the library's probe-judging options
 * (api/probe-judging.ts), and their bundles loaded in their words.
 */
import type { ProbeJudgeOptions } from "../api/probe-judging.js";
import type { Bundle } from "../bundle/types.js";
import { loadVerified } from "./bundle-paths.js";
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
  return loadVerified(ref, lockPath, () => `refusing \`${ref}\``);
}

/**
 * The judge flags as options for `judgeProbes`, every flag checked; `defaultCache` is the
 * cache file used without `--cache`, `keep` the files to write each run to.
 */
export function probeJudgeOptions(values: Values, defaultCache: string, keep?: readonly string[]): ProbeJudgeOptions {
  const str = (k: string) => values[k] as string | undefined;
  const models = (values.model as string[] | undefined) ?? (process.env.RULERS_MODEL ? [process.env.RULERS_MODEL] : []);
  if (models.length === 0) throw new CliError("give the judge model with --model (or set RULERS_MODEL)");
  const format = str("format") ?? "json_schema";
  if (format !== "json_schema" && format !== "json")
    throw new CliError(`\`--format\` must be json_schema or json, got \`${format}\``);
  const apiKeyEnv = str("api-key-env");
  if (apiKeyEnv && process.env[apiKeyEnv] === undefined)
    throw new CliError(`\`--api-key-env ${apiKeyEnv}\`: the variable is not set`);
  const samples = str("samples");
  const limit = str("limit");
  return {
    model: models,
    ...(str("base-url") ? { baseURL: str("base-url")! } : {}),
    ...(apiKeyEnv ? { apiKeyEnv } : {}),
    concurrency: numberFlag(str("concurrency"), "concurrency", 8, { integer: true, min: 1 }),
    timeoutMs: numberFlag(str("timeout-s"), "timeout-s", 120, { min: 0.001 }) * 1000,
    maxRetries: numberFlag(str("max-retries"), "max-retries", 4, { integer: true, min: 0 }),
    ...(samples !== undefined ? { samples: numberFlag(samples, "samples", 1, { integer: true, min: 1 }) } : {}),
    format,
    maxRepairs: numberFlag(str("max-repairs"), "max-repairs", 1, { integer: true, min: 0 }),
    maxInputChars: numberFlag(str("max-input-chars"), "max-input-chars", 200_000, { integer: true, min: 1 }),
    ...(limit !== undefined ? { limit: numberFlag(limit, "limit", 0, { integer: true, min: 0 }) } : {}),
    cache: str("cache") ?? defaultCache,
    ...(keep ? { keep } : {}),
    onWarning: writeErr,
  };
}
