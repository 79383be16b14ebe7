import { existsSync } from "node:fs";
import { BundleError } from "../../bundle/file.js";
import { LockError, readLock, resolveBundleRef } from "../../bundle/lock.js";
import type { Bundle } from "../../bundle/types.js";
import { verifyBundleFile } from "../../bundle/verify.js";
import { DataError, readLabels } from "../../calibrate/index.js";
import { compareRuns, DriftError, type DriftReport, driftJson, driftMarkdown, type Rec } from "../../drift/index.js";
import { runJudge } from "../../execute/index.js";
import { createJudgeClient, JudgeCallError, openCache } from "../../judge/index.js";
import { eachRecord, FailureTally, isScored, RecordError } from "../../record/index.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { type JsonlResult, readJsonl, rowId } from "../../util/jsonl.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers drift --base <bundle> --candidate <bundle> --probe rows.jsonl --model M [judge options] [options]
       rulers drift --from-runs base.jsonl candidate.jsonl [--probe rows.jsonl] [options]

Judges the same probe rows under both bundles with the same judge and decoding settings (the
base bundle's; one cache, so a rerun or an earlier run pays nothing twice), or reads two
recorded runs, and reports per slice and overall: items compared, flips (pairwise: the preferred
side changed; pointwise: the score moved at least one scale step), their direction, the mean
shift, an exact test (sign test on the directions; with labels McNemar on correct→wrong vs
wrong→correct), accuracy with labels, and which response features the flips follow.

options:
  --labels FILE         human labels, JSONL {"item_id","label"} or CSV item_id,label
                        (pairwise "A"/"B"/"tie"; pointwise a score, correct when equal after
                        snapping both to the scale's step)
  --slice-by FIELD      report per value of FIELD (read from the probe row, else the record)
  --max-flip-rate R     a slice drifts when its flip rate exceeds R (default 0.1)
  --alpha A             … or when its p-value is below A (default 0.05; 0 turns the test off)
  --step S              pointwise: the change that counts as a flip (default: the scale's step)
  --text-field F        pointwise: the probe field holding the response (default: response)
  --compare A,B         pairwise: the two probe fields compared (default: the bundle's, else
                        response_a,response_b)
  --json                print the report as JSON
  --report FILE.md      write a Markdown report listing every flipped item with both verdicts
                        and the evidence each side cited
judge options (live mode, as in rulers judge):
  --model NAME --base-url URL --api-key-env VAR --lock FILE --concurrency N --samples K
  --max-retries N --timeout-s S --format json_schema|json --max-repairs N --max-input-chars N
  --limit N --cache FILE (default drift.cache.jsonl) --keep-runs PREFIX (write PREFIX.base.jsonl
  and PREFIX.candidate.jsonl, for --from-runs later)

Exit 0: no slice drifts beyond the thresholds; 3: one does; 1: error.`;

function readRows(path: string, what: string): JsonlResult {
  if (!existsSync(path)) throw new CliError(`cannot read ${what} \`${path}\`: no such file`);
  return readJsonl(path);
}

/** A run checked against the record contract; its failed items are counted per reason on stderr. */
function readRecords(path: string): Rec[] {
  if (!existsSync(path)) throw new CliError(`cannot read run \`${path}\`: no such file`);
  const failures = new FailureTally();
  const out: Rec[] = [];
  try {
    eachRecord(path, ({ record, raw }) => {
      if (!isScored(record)) failures.add(record);
      out.push(raw as Rec);
    });
  } catch (err) {
    if (err instanceof RecordError) throw new CliError(err.message);
    throw err;
  }
  if (failures.total) writeErr(`${path}: ${failures.describe()}`);
  return out;
}

function labelsOf(path: string): Map<string, number | string> {
  try {
    return readLabels(path, { kind: "any" });
  } catch (err) {
    if (err instanceof DataError) throw new CliError(err.message);
    throw err;
  }
}

type Values = Record<string, string | boolean | string[] | undefined>;

function loadBundle(ref: string, lockPath: string | undefined): Bundle {
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

/** The live mode: both bundles judged by the executor; what follows is the same as --from-runs. */
async function judgeBoth(
  values: Values,
  probe: JsonlResult,
): Promise<{ base: Rec[]; candidate: Rec[]; baseBundle: Bundle }> {
  const str = (k: string) => values[k] as string | undefined;
  const baseBundle = loadBundle(str("base")!, str("lock"));
  const candBundle = loadBundle(str("candidate")!, str("lock"));
  const bi = baseBundle.body.rubric;
  const ci = candBundle.body.rubric;
  if (bi.mode.kind !== ci.mode.kind)
    throw new CliError(
      `the base bundle is ${bi.mode.kind} and the candidate ${ci.mode.kind}; drift compares bundles of the same mode`,
    );
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
  // One judge and one set of decoding settings (the base bundle's) for both sides, so the only
  // difference between the runs is the rubric; a candidate pinning others is told, not obeyed.
  const j = bi.judge;
  const pinned = (["temperature", "samples", "seed", "max_tokens"] as const).filter((k) => ci.judge[k] !== j[k]);
  if (pinned.length)
    writeErr(
      `note: the candidate pins other judge settings (${pinned.map((k) => `${k} ${String(ci.judge[k])}`).join(", ")}); both sides use the base bundle's, so only the rubric differs`,
    );
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
  const cachePath = str("cache") ?? "drift.cache.jsonl";
  const cache = openCache(cachePath);
  try {
    const judge = async (bundle: Bundle) =>
      (
        await runJudge({
          bundle,
          rows: probe.rows,
          problems: probe.problems,
          client,
          cache,
          settings,
          concurrency,
          ...limit,
        })
      ).records as Rec[];
    const base = await judge(baseBundle);
    const candidate = await judge(candBundle);
    const keep = str("keep-runs");
    if (keep) {
      for (const [side, recs] of [
        ["base", base],
        ["candidate", candidate],
      ] as const) {
        writeFileAtomic(
          `${keep}.${side}.jsonl`,
          recs.map((r) => JSON.stringify(r)).join("\n") + (recs.length ? "\n" : ""),
        );
      }
    }
    return { base, candidate, baseBundle };
  } catch (err) {
    if (err instanceof JudgeCallError)
      throw new CliError(`${err.message}. Finished calls are kept in ${cachePath}; rerunning repeats none of them`);
    throw err;
  } finally {
    cache.close();
  }
}

function printText(r: DriftReport): void {
  const o = r.overall;
  const dir = r.mode === "pairwise" ? ["toward A", "toward B"] : ["up", "down"];
  const line = (name: string, s: typeof o) =>
    `${name}: ${s.n} items, ${s.flips} flips (${((s.flip_rate ?? 0) * 100).toFixed(1)}%; ${s.toward_candidate} ${dir[0]}, ${s.toward_base} ${dir[1]}), ` +
    `mean shift ${s.mean_shift === null ? "–" : s.mean_shift.toFixed(3)}, ${s.test} p = ${s.p_value.toPrecision(3)}` +
    (s.accuracy_base !== undefined
      ? `; accuracy ${((s.accuracy_base ?? 0) * 100).toFixed(1)}% → ${((s.accuracy_candidate ?? 0) * 100).toFixed(1)}% (correct→wrong ${s.correct_to_wrong}, wrong→correct ${s.wrong_to_correct})`
      : "") +
    (s.drift ? "  DRIFT" : "");
  writeOut(
    `${r.mode} on ${r.score_field}; ${r.excluded} excluded (${r.excluded_detail.failed} failed, ${r.excluded_detail.unmatched} in one run only, ${r.excluded_detail.duplicate} duplicates)`,
  );
  writeOut(line("overall", o));
  for (const [k, s] of Object.entries(r.slices)) writeOut(line(`  ${k}`, s));
  for (const f of r.features) writeOut(`  ${f.follows ? "follows" : "       "} ${f.feature}: ${f.summary}`);
  writeOut(r.drift ? "drift beyond the thresholds" : "no drift beyond the thresholds");
}

export const command: Command = {
  summary: "does a rubric edit move the judge's preferences, and where?",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        base: { type: "string" },
        candidate: { type: "string" },
        probe: { type: "string" },
        "from-runs": { type: "boolean" },
        labels: { type: "string" },
        "slice-by": { type: "string" },
        "max-flip-rate": { type: "string" },
        alpha: { type: "string" },
        step: { type: "string" },
        "text-field": { type: "string" },
        compare: { type: "string" },
        json: { type: "boolean" },
        report: { type: "string" },
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
        "keep-runs": { type: "string" },
      },
      HELP,
    );
    // Flags are checked before anything is read or judged.
    const maxFlipRate = numberFlag(values["max-flip-rate"], "max-flip-rate", 0.1, { min: 0 });
    const alpha = numberFlag(values.alpha, "alpha", 0.05, { min: 0 });
    const step = values.step !== undefined ? numberFlag(values.step, "step", 1, { min: Number.MIN_VALUE }) : undefined;
    let compare: [string, string] | undefined;
    if (values.compare !== undefined) {
      const parts = values.compare.split(",").map((s) => s.trim());
      if (parts.length !== 2 || !parts[0] || !parts[1])
        throw new CliError("`--compare` names two fields, e.g. response_a,response_b");
      compare = [parts[0], parts[1]];
    }
    const labels = values.labels ? labelsOf(values.labels) : undefined;
    const probeRows = values.probe ? readRows(values.probe, "probe rows") : null;
    if (probeRows && values["from-runs"])
      for (const p of probeRows.problems.slice(0, 3))
        writeErr(`${values.probe}:${p.line}: ${p.message}; the row is skipped`);

    let base: Rec[];
    let candidate: Rec[];
    let textField = values["text-field"];
    if (values["from-runs"]) {
      if (positionals.length !== 2) throw new CliError("`--from-runs` takes two run files: base.jsonl candidate.jsonl");
      if (values.base || values.candidate)
        throw new CliError("give either --from-runs or --base/--candidate, not both");
      base = readRecords(positionals[0]!);
      candidate = readRecords(positionals[1]!);
    } else {
      if (positionals.length) throw new CliError(`unexpected \`${positionals[0]}\`; recorded runs need --from-runs`);
      if (!values.base || !values.candidate || !probeRows)
        throw new CliError(`give --base, --candidate and --probe (or --from-runs)\n${HELP}`);
      const judged = await judgeBoth(values, probeRows);
      base = judged.base;
      candidate = judged.candidate;
      const ir = judged.baseBundle.body.rubric;
      if (ir.mode.kind === "pairwise") compare ??= [ir.mode.compare[0], ir.mode.compare[1]];
      else
        textField ??= ir.inputs.some((i) => i.name === "response")
          ? "response"
          : ir.inputs.find((i) => i.quotable)?.name;
    }
    const probe = probeRows
      ? new Map(
          probeRows.rows
            .filter((r) => r.value && typeof r.value === "object")
            .map((r) => [rowId(r.value, r.line), r.value as Record<string, unknown>]),
        )
      : undefined;

    let report: DriftReport;
    try {
      report = compareRuns(base, candidate, {
        maxFlipRate,
        ...(alpha > 0 ? { alpha } : {}),
        ...(labels ? { labels } : {}),
        ...(probe ? { probe } : {}),
        ...(values["slice-by"] ? { sliceBy: values["slice-by"] } : {}),
        ...(step !== undefined ? { step } : {}),
        ...(textField ? { textField } : {}),
        ...(compare ? { compare } : {}),
      });
    } catch (err) {
      if (err instanceof DriftError) throw new CliError(err.message);
      throw err;
    }
    if (report.overall.n === 0)
      throw new CliError(
        `no item was scored in both runs (${report.excluded} excluded); check that the runs share item ids`,
      );
    if (labels && report.overall.labelled === 0)
      writeErr("warning: no compared item has a usable label; the p-value is that of no discordant pairs");
    for (const w of report.warnings) writeErr(`warning: ${w}`);
    if (values.report) {
      writeFileAtomic(values.report, driftMarkdown(report));
      writeErr(`report → ${values.report}`);
    }
    if (values.json) writeOut(JSON.stringify(driftJson(report)));
    else printText(report);
    return report.drift ? 3 : 0;
  },
};
