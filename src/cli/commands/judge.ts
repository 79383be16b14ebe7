import { existsSync } from "node:fs";
import { judgeClientFor } from "../../api/judge-setup.js";
import { BundleError } from "../../bundle/file.js";
import { type Lock, LockError, readLock, resolveBundleRef } from "../../bundle/lock.js";
import { verifyBundleFile } from "../../bundle/verify.js";
import { type Calibrator, DataError, readCalibrator } from "../../calibrate/index.js";
import { OutputError, openRunOutput, type ResumeState, readResume, runJudge } from "../../execute/index.js";
import { JudgeCallError, openCache, type ProgressMode } from "../../judge/index.js";
import type { RunRecord } from "../../record/index.js";
import { errnoOf } from "../../util/errors.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import { budgetFlag, judgeSettings, providerSetup, RUN_HELP, RUN_OPTIONS, warnUnpriced } from "../judge-options.js";
import type { Command } from "../main.js";
import { openInput } from "../row-options.js";

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

// Loaded only with --calibrator: api/analysis.js brings the compiler and drift with it, start-up
// that a run without a calibrator does not need.
type ApplyCalibrator = typeof import("../../api/analysis.js").applyCalibrator;

function withCalibration(apply: ApplyCalibrator, cal: Calibrator, r: RunRecord): RunRecord {
  const { record, skipped } = apply(cal, r);
  if (skipped && typeof r.raw_score === "number") writeErr(`not calibrating \`${r.item_id}\`: ${skipped}`);
  return record;
}

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
    let bundlePath: string;
    let lock: Lock | undefined;
    try {
      lock = values.lock ? readLock(values.lock) : undefined;
      bundlePath = resolveBundleRef(values.bundle!, values.lock);
    } catch (err) {
      if (err instanceof LockError) throw new CliError(err.message);
      throw err;
    }
    const verified = verifyBundleFile(bundlePath, lock ? { lock } : {});
    if (verified.problems.length || !verified.bundle) {
      throw new CliError(`refusing to judge with ${bundlePath}: ${verified.problems.map((p) => p.message).join("; ")}`);
    }
    const bundle = verified.bundle;
    const ir = bundle.body.rubric;
    let calibrator: Calibrator | undefined;
    let apply: ApplyCalibrator | undefined;
    if (values.calibrator) {
      apply = (await import("../../api/analysis.js")).applyCalibrator;
      try {
        calibrator = readCalibrator(values.calibrator);
      } catch (err) {
        if (err instanceof DataError) throw new CliError(err.message);
        throw err;
      }
      // Checked before any call: a calibrator for another bundle would be paid for and useless.
      if (calibrator.body.bundle.hash !== bundle.hash)
        throw new CliError(`the calibrator was fitted for bundle ${calibrator.body.bundle.hash}, not ${bundle.hash}`);
    }

    const limit =
      values.limit !== undefined ? numberFlag(values.limit, "limit", 0, { integer: true, min: 0 }) : undefined;

    const setup = providerSetup(values, bundle, models);
    warnUnpriced(setup.prices, models, values.prices);
    const budget = budgetFlag(values["max-cost"], setup.prices, models);

    const apiKeyEnv = values["api-key-env"];
    if (apiKeyEnv && process.env[apiKeyEnv] === undefined)
      throw new CliError(`\`--api-key-env ${apiKeyEnv}\`: the variable is not set`);
    const client = judgeClientFor(
      setup,
      {
        ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
        ...(apiKeyEnv ? { apiKey: process.env[apiKeyEnv]! } : {}),
        timeoutMs: numberFlag(values["timeout-s"], "timeout-s", 120, { min: 0.001 }) * 1000,
        maxRetries: numberFlag(values["max-retries"], "max-retries", 4, { integer: true, min: 0 }),
        maxInFlight: numberFlag(values.concurrency, "concurrency", 8, { integer: true, min: 1 }),
        ...(apiKeyEnv ? { apiKeyEnv } : {}),
      },
      budget,
    );
    const cachePath = values.cache ?? `${values.out}.cache.jsonl`;
    let resume: ResumeState | undefined;
    if (values.resume) {
      if (!existsSync(cachePath) && !existsSync(values.out!))
        throw new CliError(`nothing to resume: neither \`${values.out}\` nor the cache \`${cachePath}\` exists`);
      if (existsSync(values.out!)) {
        try {
          resume = readResume(values.out!, bundle.hash);
        } catch (err) {
          if (err instanceof OutputError) throw new CliError(err.message);
          throw err;
        }
      }
    }
    const concurrency = numberFlag(values.concurrency, "concurrency", 8, { integer: true, min: 1 });
    const settings = judgeSettings(bundle, setup, {
      models,
      samples: numberFlag(values.samples, "samples", ir.judge.samples, { integer: true, min: 1 }),
      maxRepairs: numberFlag(values["max-repairs"], "max-repairs", 1, { integer: true, min: 0 }),
      maxInputChars: numberFlag(values["max-input-chars"], "max-input-chars", 200_000, { integer: true, min: 1 }),
    });
    // Opened after every flag is checked and before any call: a missing column stops the run here.
    const rows = await openInput(values.input!, values, bundle);
    const cache = openCache(cachePath);
    if (values.resume)
      writeErr(
        `resuming: ${resume?.kept ?? 0} record${resume?.kept === 1 ? "" : "s"} kept in ${values.out}` +
          `${resume?.torn ? ` (torn line ${resume.torn} dropped)` : ""}, ` +
          `${cache.loaded} finished call${cache.loaded === 1 ? "" : "s"} in ${cachePath}`,
      );
    // Counted only to show a total; a --limit run never reads past what it needs.
    const total = progress === "never" ? null : Math.max(0, rows.count(limit) - (resume?.done.size ?? 0));
    let out: ReturnType<typeof openRunOutput> | undefined;
    let badLines = 0;
    try {
      out = openRunOutput(values.out!, resume);
      const output = out;
      const { summary } = await runJudge({
        bundle,
        rows: (async function* () {
          for await (const r of rows) {
            if (r.value === undefined) {
              badLines++;
              if (badLines <= 20) writeErr(`${rows.place(r.line)}: ${r.message}; the row is recorded as failed`);
            }
            yield r;
          }
        })(),
        client,
        cache,
        settings,
        concurrency,
        progress,
        total,
        ...(limit !== undefined ? { limit } : {}),
        ...(shard ? { shard } : {}),
        ...(resume ? { done: resume.done, prior: resume.totals } : {}),
        onRecord: (r) => output.write(calibrator && apply ? withCalibration(apply, calibrator, r) : r),
      });
      out.close();
      if (badLines > 20) writeErr(`${values.input}: ${badLines} rows in all cannot be read`);
      if (summary.rows_without_id > 0)
        writeErr(
          `warning: ${summary.rows_without_id} row${summary.rows_without_id === 1 ? " has" : "s have"} no \`id\` and ${summary.rows_without_id === 1 ? "is" : "are"} identified by line number, ` +
            "which changes when rows are added or removed, so labels and reruns may not join; give every row an `id`",
        );
      writeErr(
        `judged ${summary.items} items: ${summary.scored} scored, ${summary.failed} failed` +
          `${summary.resumed ? ` (${summary.resumed.items} kept from the interrupted run, ${summary.items - summary.resumed.items} judged now; the totals cover both)` : ""}; ` +
          `evidence ${summary.evidence_verified} verified / ${summary.evidence_rejected} rejected; ` +
          `${summary.resumed ? "this session " : ""}${summary.calls} calls (${summary.cached_calls} from cache, ${summary.retries} retries, ${summary.repairs} repairs); ` +
          `${summary.prompt_tokens} + ${summary.completion_tokens} tokens${summary.cost_usd != null ? `, $${summary.cost_usd.toFixed(4)}` : ""}${budget ? ` ($${budget.spent.toFixed(4)} spent by this run)` : ""}; ${(summary.wall_ms / 1000).toFixed(1)} s → ${values.out}`,
      );
      if (values.json) writeOut(JSON.stringify(summary));
      return 0;
    } catch (err) {
      const kept = out ? ` ${values.out} holds ${out.count} whole record${out.count === 1 ? "" : "s"};` : "";
      const after = `The run stopped;${kept} finished calls are kept in ${cachePath}, so \`--resume\` continues and repeats none of them`;
      try {
        out?.close();
      } catch {
        // Reported below with the first error.
      }
      if (err instanceof JudgeCallError && err.kind === "budget")
        throw new CliError(
          `${err.message}. The run stopped before that call;${kept} finished calls are kept in ${cachePath}: rerun with --resume and a higher --max-cost to continue without paying for them again`,
        );
      if (err instanceof JudgeCallError) throw new CliError(`${err.message}. ${after}`);
      if (err instanceof OutputError) throw new CliError(`${err.message}. ${after}`);
      const code = errnoOf(err);
      if (code === "ENOSPC" || code === "EDQUOT" || code === "EIO" || code === "EROFS")
        throw new CliError(
          `cannot write the cache \`${cachePath}\`: ${code === "ENOSPC" ? "the disk is full" : (err as Error).message}. ${after}`,
        );
      if (err instanceof BundleError) throw new CliError(err.message);
      throw err;
    } finally {
      await rows.close();
      try {
        cache.close();
      } catch {
        // A cache that cannot sync on close has already reported its write error.
      }
    }
  },
};
