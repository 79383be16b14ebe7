import { existsSync } from "node:fs";
import { DataError, readLabels } from "../../calibrate/index.js";
import { BundleError } from "../../bundle/file.js";
import { LockError, resolveBundleRef } from "../../bundle/lock.js";
import { verifyBundleFile } from "../../bundle/verify.js";
import { compareRuns, driftMarkdown, type Rec } from "../../drift/index.js";
import { runJudge } from "../../execute/index.js";
import { createJudgeClient, JudgeCallError, openCache } from "../../judge/index.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { readJsonl, rowId } from "../../util/jsonl.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers drift --base <bundle> --candidate <bundle> --probe rows.jsonl --model M [judge options]
       rulers drift --from-runs base.jsonl candidate.jsonl [--probe rows.jsonl]
  common: [--labels FILE] [--slice-by FIELD] [--max-flip-rate R (0.1)] [--alpha A (0.05)]
          [--text-field response] [--compare response_a,response_b] [--json] [--report FILE.md]
  judge options: --base-url URL --api-key-env VAR --concurrency N --max-retries N --timeout-s S
                 --samples K --format json_schema|json --cache FILE (default drift.cache.jsonl)

Judges the same probe rows under both bundles with the same judge and settings (one cache, so
nothing is paid twice) or reads two recorded runs, and reports per slice and overall: flips,
flip rate, direction, mean shift, an exact test, accuracy with labels, and which response
features the flips follow. Exit 0: no drift beyond the thresholds; 3: drift; 1: error.`;

function readRecords(path: string): Rec[] {
  if (!existsSync(path)) throw new CliError(`cannot read \`${path}\`: no such file`);
  const { rows, problems } = readJsonl(path);
  if (problems.length) throw new CliError(`${path}:${problems[0]!.line}: ${problems[0]!.message}`);
  return rows.map((r) => {
    const v = r.value as Rec;
    if (!v || typeof v.item_id !== "string") throw new CliError(`${path}:${r.line}: not a run record (no \`item_id\`)`);
    return v;
  });
}

function labelsOf(path: string): Map<string, number | string> {
  try {
    return readLabels(path, { kind: "any" });
  } catch (err) {
    if (err instanceof DataError) throw new CliError(err.message);
    throw err;
  }
}

export const command: Command = {
  summary: "does a rubric edit move the judge's preferences, and where?",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      base: { type: "string" }, candidate: { type: "string" }, probe: { type: "string" }, "from-runs": { type: "boolean" },
      labels: { type: "string" }, "slice-by": { type: "string" }, "max-flip-rate": { type: "string" }, alpha: { type: "string" },
      "text-field": { type: "string" }, compare: { type: "string" }, json: { type: "boolean" }, report: { type: "string" },
      model: { type: "string", multiple: true }, "base-url": { type: "string" }, "api-key-env": { type: "string" },
      concurrency: { type: "string" }, "max-retries": { type: "string" }, "timeout-s": { type: "string" },
      samples: { type: "string" }, format: { type: "string" }, cache: { type: "string" }, lock: { type: "string" },
    }, HELP);
    const probeRows = values.probe ? readJsonl(values.probe) : null;
    if (values.probe && !existsSync(values.probe)) throw new CliError(`cannot read \`${values.probe}\`: no such file`);
    const probe = probeRows ? new Map(probeRows.rows.map((r) => [rowId(r.value, r.line), r.value as Record<string, unknown>])) : undefined;
    let base: Rec[];
    let candidate: Rec[];
    if (values["from-runs"]) {
      if (positionals.length !== 2) throw new CliError("`--from-runs` takes two run files: base.jsonl candidate.jsonl");
      base = readRecords(positionals[0]!);
      candidate = readRecords(positionals[1]!);
    } else {
      if (!values.base || !values.candidate || !values.probe) throw new CliError(`give --base, --candidate and --probe (or --from-runs)\n${HELP}`);
      const models = values.model ?? [];
      if (models.length === 0) throw new CliError("give the judge model with --model");
      const load = (ref: string) => {
        try {
          const v = verifyBundleFile(resolveBundleRef(ref, values.lock));
          if (!v.bundle || v.problems.length) throw new CliError(`refusing ${ref}: ${v.problems.map((p) => p.message).join("; ")}`);
          return v.bundle;
        } catch (err) {
          if (err instanceof LockError || err instanceof BundleError) throw new CliError(err.message);
          throw err;
        }
      };
      const baseBundle = load(values.base);
      const candBundle = load(values.candidate);
      const apiKeyEnv = values["api-key-env"];
      const client = createJudgeClient({
        ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
        ...(apiKeyEnv ? { apiKey: process.env[apiKeyEnv] ?? "" } : {}),
        timeoutMs: numberFlag(values["timeout-s"], "timeout-s", 120, { min: 0.001 }) * 1000,
        maxRetries: numberFlag(values["max-retries"], "max-retries", 4, { integer: true, min: 0 }),
        maxInFlight: numberFlag(values.concurrency, "concurrency", 8, { integer: true, min: 1 }),
      });
      const cache = openCache(values.cache ?? "drift.cache.jsonl");
      const format = values.format === "json" ? "json" : "json_schema";
      try {
        const judgeWith = async (bundle: typeof baseBundle) => {
          const ir = bundle.body.rubric;
          // Both sides share the judge and decoding settings; only the rubric differs.
          const settings = { models, temperature: ir.judge.temperature, samples: numberFlag(values.samples, "samples", ir.judge.samples, { integer: true, min: 1 }), seed: ir.judge.seed, max_tokens: ir.judge.max_tokens, format: format as "json" | "json_schema", maxRepairs: 1, maxInputChars: 200_000 };
          const r = await runJudge({ bundle, rows: probeRows!.rows, problems: probeRows!.problems, client, cache, settings, concurrency: numberFlag(values.concurrency, "concurrency", 8, { integer: true, min: 1 }) });
          return r.records as Rec[];
        };
        base = await judgeWith(baseBundle);
        candidate = await judgeWith(candBundle);
      } catch (err) {
        if (err instanceof JudgeCallError) throw new CliError(err.message);
        throw err;
      } finally {
        cache.close();
      }
    }
    const compare = values.compare ? (values.compare.split(",").map((s) => s.trim()) as [string, string]) : undefined;
    if (compare && compare.length !== 2) throw new CliError("`--compare` names two fields, e.g. response_a,response_b");
    const report = compareRuns(base, candidate, {
      ...(values.labels ? { labels: labelsOf(values.labels) } : {}),
      ...(probe ? { probe } : {}),
      ...(values["slice-by"] ? { sliceBy: values["slice-by"] } : {}),
      maxFlipRate: numberFlag(values["max-flip-rate"], "max-flip-rate", 0.1, { min: 0 }),
      alpha: numberFlag(values.alpha, "alpha", 0.05, { min: 0 }),
      ...(values["text-field"] ? { textField: values["text-field"] } : {}),
      ...(compare ? { compare } : {}),
    });
    if (report.overall.n === 0) throw new CliError(`no item was scored in both runs (${report.excluded} excluded); check that the runs share item ids`);
    if (values.report) writeFileAtomic(values.report, driftMarkdown(report));
    if (values.json) {
      writeOut(JSON.stringify({ mode: report.mode, score_field: report.score_field, excluded: report.excluded, overall: report.overall, slices: report.slices, features: report.features, flipped: report.flipped.map((f) => ({ item_id: f.item_id, base: f.base, candidate: f.candidate })), drift: report.drift }));
    } else {
      const o = report.overall;
      writeOut(`${report.mode}, ${o.n} items compared (${report.excluded} excluded): ${o.flips} flips (${((o.flip_rate ?? 0) * 100).toFixed(1)}%), toward base ${o.toward_base}, toward candidate ${o.toward_candidate}, mean shift ${o.mean_shift?.toFixed(3)}, p = ${o.p_value.toPrecision(3)}`);
      if (o.accuracy_base !== undefined) writeOut(`  accuracy ${((o.accuracy_base ?? 0) * 100).toFixed(1)}% → ${((o.accuracy_candidate ?? 0) * 100).toFixed(1)}%; correct→wrong ${o.correct_to_wrong}, wrong→correct ${o.wrong_to_correct}`);
      for (const [k, s] of Object.entries(report.slices)) writeOut(`  slice ${k}: ${s.n} items, ${s.flips} flips (${((s.flip_rate ?? 0) * 100).toFixed(1)}%), p = ${s.p_value.toPrecision(3)}${s.drift ? "  DRIFT" : ""}`);
      for (const f of report.features) writeOut(`  ${f.follows ? "follows" : "       "} ${f.feature}: ${f.summary}`);
      writeOut(report.drift ? "drift beyond the thresholds" : "no drift beyond the thresholds");
    }
    if (values.report) writeErr(`report → ${values.report}`);
    return report.drift ? 3 : 0;
  },
};
