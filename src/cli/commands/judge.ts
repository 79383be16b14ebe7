import { calibratorFor, type PreparedJudge } from "../../api/judge.js";
import { judgeClientFor } from "../../api/judge-setup.js";
import { RunStoppedError, runToFile } from "../../api/run-file.js";
import type { ProgressMode } from "../../judge/index.js";
import { loadVerified } from "../bundle-paths.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import { budgetFlag, judgeSettings, providerSetup, RUN_HELP, RUN_OPTIONS, warnUnpriced } from "../judge-options.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers judge --bundle <bundle.json | id@version> --input rows.jsonl|.csv|.tsv|.parquet --out run.jsonl [options]

${RUN_HELP.rows}

${RUN_HELP.model}
${RUN_HELP.baseUrl}
  --api-key-env VAR    read the API key from $VAR (default: OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY)
${RUN_HELP.provider}
  --max-cost USD       start no call that would take the projected spend past USD (stops; --resume continues)
${RUN_HELP.lock}
  --concurrency N      calls in flight (default 8)
${RUN_HELP.samples}
  --max-retries N      HTTP retries per call, with backoff honouring retry-after (default 4)
  --timeout-s S        per-call timeout (default 120)
  --max-repairs N      repair attempts for an answer that does not validate (default 1)
  --cache FILE         call cache (default: <out>.cache.jsonl); every finished call is kept
  --resume             continue an interrupted run: keep the records already in --out, judge the
                       rest (finished calls come from the cache, so nothing is paid twice); without
                       it, --out is rewritten from the start and failed items are tried again
${RUN_HELP.limit}
  --progress WHEN      auto (a bar on a terminal, a plain line every 30 s elsewhere), always, never
${RUN_HELP.maxInputChars}
  --shard I/N          judge only shard I of N (a stable slice by item id); join shards with rulers merge
  --calibrator FILE    add calibrated_score to each record (a calibrator fitted for this bundle)
  --json               print the run summary as JSON on stdout`;

export const command: Command = {
  summary: "judge rows with a locked bundle through any OpenAI-compatible endpoint",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        ...RUN_OPTIONS,
        out: { type: "string" },
        "api-key-env": { type: "string" },
        concurrency: { type: "string" },
        "max-retries": { type: "string" },
        "timeout-s": { type: "string" },
        "max-cost": { type: "string" },
        "max-repairs": { type: "string" },
        cache: { type: "string" },
        resume: { type: "boolean" },
        calibrator: { type: "string" },
        shard: { type: "string" },
        progress: { type: "string" },
      },
      HELP,
    );
    let shard: { index: number; count: number } | undefined;
    if (values.shard !== undefined) {
      const m = /^(\d+)\/(\d+)$/.exec(values.shard);
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
        throw new CliError(`\`--shard\` must be I/N with 1 ≤ I ≤ N, got \`${values.shard}\``);
      shard = { index: Number(m[1]), count: Number(m[2]) };
    }
    for (const required of ["bundle", "input", "out"] as const) {
      if (!values[required]) throw new CliError(`\`--${required}\` is required\n${HELP}`);
    }
    const models = values.model ?? (process.env.RULERS_MODEL ? [process.env.RULERS_MODEL] : []);
    if (models.length === 0) throw new CliError("give the judge model with --model (or set RULERS_MODEL)");
    const progress = (values.progress ?? "auto") as ProgressMode;
    if (!["auto", "always", "never"].includes(progress))
      throw new CliError(`\`--progress\` must be auto, always or never, got \`${values.progress}\``);

    // The bundle is verified, and checked against the lock, before any call is made.
    const bundle = loadVerified(values.bundle!, values.lock, (path) => `refusing to judge with ${path}`);
    const ir = bundle.body.rubric;
    // Checked before any call: a calibrator for another bundle would be paid for and useless.
    const calibrator = values.calibrator ? calibratorFor(bundle, values.calibrator) : undefined;
    const limit =
      values.limit !== undefined ? numberFlag(values.limit, "limit", 0, { integer: true, min: 0 }) : undefined;

    const setup = providerSetup(values, bundle, models);
    warnUnpriced(setup.prices, models, values.prices);
    const budget = budgetFlag(values["max-cost"], setup.prices, models);

    const apiKeyEnv = values["api-key-env"];
    if (apiKeyEnv && process.env[apiKeyEnv] === undefined)
      throw new CliError(`\`--api-key-env ${apiKeyEnv}\`: the variable is not set`);
    const concurrency = numberFlag(values.concurrency, "concurrency", 8, { integer: true, min: 1 });
    const client = judgeClientFor(
      setup,
      {
        ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
        ...(apiKeyEnv ? { apiKey: process.env[apiKeyEnv]! } : {}),
        timeoutMs: numberFlag(values["timeout-s"], "timeout-s", 120, { min: 0.001 }) * 1000,
        maxRetries: numberFlag(values["max-retries"], "max-retries", 4, { integer: true, min: 0 }),
        maxInFlight: concurrency,
        ...(apiKeyEnv ? { apiKeyEnv } : {}),
      },
      budget,
    );
    const judge: PreparedJudge = {
      client,
      concurrency,
      budget,
      calibrator,
      warn: writeErr,
      settings: judgeSettings(bundle, setup, {
        models,
        samples: numberFlag(values.samples, "samples", ir.judge.samples, { integer: true, min: 1 }),
        maxRepairs: numberFlag(values["max-repairs"], "max-repairs", 1, { integer: true, min: 0 }),
        maxInputChars: numberFlag(values["max-input-chars"], "max-input-chars", 200_000, { integer: true, min: 1 }),
      }),
    };
    try {
      const { summary, spentUsd } = await runToFile(bundle, values.input!, judge, {
        out: values.out!,
        progress,
        ...(values.cache !== undefined ? { cache: values.cache } : {}),
        ...(values.resume ? { resume: true } : {}),
        ...(values["input-format"] !== undefined ? { inputFormat: values["input-format"] } : {}),
        ...(values.map ? { map: values.map } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(shard ? { shard } : {}),
      });
      writeErr(
        `judged ${summary.items} items: ${summary.scored} scored, ${summary.failed} failed` +
          `${summary.resumed ? ` (${summary.resumed.items} kept from the interrupted run, ${summary.items - summary.resumed.items} judged now; the totals cover both)` : ""}; ` +
          `evidence ${summary.evidence_verified} verified / ${summary.evidence_rejected} rejected; ` +
          `${summary.resumed ? "this session " : ""}${summary.calls} calls (${summary.cached_calls} from cache, ${summary.retries} retries, ${summary.repairs} repairs); ` +
          `${summary.prompt_tokens} + ${summary.completion_tokens} tokens${summary.cost_usd != null ? `, $${summary.cost_usd.toFixed(4)}` : ""}${spentUsd !== undefined ? ` ($${spentUsd.toFixed(4)} spent by this run)` : ""}; ${(summary.wall_ms / 1000).toFixed(1)} s → ${values.out}`,
      );
      if (values.json) writeOut(JSON.stringify(summary));
      return 0;
    } catch (err) {
      if (err instanceof RunStoppedError) throw new CliError(stoppedMessage(err));
      throw err;
    }
  },
};

/** A stopped run in the flags' words: what is kept, and how `--resume` continues. */
function stoppedMessage(err: RunStoppedError): string {
  const kept = err.kept === null ? "" : ` ${err.out} holds ${err.kept} whole record${err.kept === 1 ? "" : "s"};`;
  const after = `The run stopped;${kept} finished calls are kept in ${err.cachePath}, so \`--resume\` continues and repeats none of them`;
  if (err.reason === "budget")
    return `${err.cause.message}. The run stopped before that call;${kept} finished calls are kept in ${err.cachePath}: rerun with --resume and a higher --max-cost to continue without paying for them again`;
  if (err.reason === "disk")
    return `cannot write the cache \`${err.cachePath}\`: ${err.errno === "ENOSPC" ? "the disk is full" : err.cause.message}. ${after}`;
  return `${err.cause.message}. ${after}`;
}
