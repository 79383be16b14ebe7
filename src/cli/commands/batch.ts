import { existsSync, statSync } from "node:fs";
import type { JudgeSettings } from "../../api/batch.js";
import { ingestBatch, prepareBatch } from "../../api/batch.js";
import { type BatchConnection, batchStatuses, collectBatches, submitBatches } from "../../api/batch-remote.js";
import type { Bundle } from "../../bundle/types.js";
import { loadVerified } from "../bundle-paths.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import { judgeSettings, PROVIDER_HELP, PROVIDER_OPTIONS, providerSetup } from "../judge-options.js";
import type { Command } from "../main.js";
import { ROW_HELP, ROW_OPTIONS } from "../row-options.js";

const HELP = `usage: rulers batch prepare --bundle B --input rows.jsonl --out requests.jsonl --model M [--samples K]
                            [--format json_schema|json] [--max-lines N] [--max-bytes N] [--retry-from run.jsonl]
                            [--lock FILE] [--max-input-chars N] [--input-format F] [--map FIELD=COLUMN]…
       rulers batch ingest --bundle B --input rows.jsonl --results out.jsonl[,out2.jsonl…] --out run.jsonl
                           [--model M] [--samples K] [--cache FILE] [--base-url URL] [--lock FILE]
                           [--max-input-chars N] [--input-format F] [--map FIELD=COLUMN]… [--json]

       rulers batch submit --requests requests.jsonl[,part2…] --provider openai|anthropic [--state FILE]
       rulers batch status --state FILE [--json]
       rulers batch collect --state FILE [--wait] [--poll-s S] [--results-prefix P]
                            [--bundle B --input rows.jsonl --out run.jsonl [--model M] …  to ingest right away]

Rows (--input: JSONL, CSV, TSV or Parquet), as for \`rulers judge\`:
${ROW_HELP}

Provider options, as for \`rulers judge\`:
${PROVIDER_HELP}
  --api-key-env VAR    read the API key from $VAR (submit, status, collect)
  --timeout-s S        per-call timeout of the batch API calls
  --max-retries N      HTTP retries per batch API call
  --wait-timeout-s S   collect --wait gives up after S seconds

prepare writes the OpenAI Batch API input format (custom_id, method, url, body with the strict
response_format) — exactly the requests \`rulers judge\` would send — split into numbered parts
over --max-lines (50000) or --max-bytes (209715200). ingest reads OpenAI or vLLM run-batch output
files, validates every answer, verifies evidence, scores, and writes the same run.jsonl records as
\`rulers judge\`, listing missing, failed and invalid results; --cache fills the judge's call cache.
With --provider anthropic, prepare writes Message Batches requests ({custom_id, params}) instead.
ingest takes the judge model from the results' custom ids (--model narrows them); records name
the judge's host as \`batch\` unless --base-url says where the batch ran.
--lock refuses a bundle the lock does not pin; --max-input-chars refuses longer inputs (default
200000), as \`rulers judge\` does; --json prints ingest's totals as JSON on stdout.

submit uploads each request file and creates a batch (OpenAI Batch API: file upload + batch;
Anthropic Message Batches), recording every batch id in the state file (default:
<first requests file>.batch.json) as soon as it exists: rerunning submit skips parts already
submitted. status shows each batch's progress. collect downloads the results of every finished
batch (--wait polls until all have finished) and, given --bundle/--input/--out, ingests them;
it exits 2 while batches are still running, so it can be rerun until done.`;

export function loadBundle(ref: string, lockPath: string | undefined): Bundle {
  return loadVerified(ref, lockPath, () => `refusing ${ref}`);
}

/** The request settings from the flags (no repairs: a batch answer is taken as it comes). */
function settingsFrom(bundle: Bundle, values: Record<string, unknown>, models: readonly string[]): JudgeSettings {
  if (models.length === 0) throw new CliError("give the judge model with --model (it is part of every request)");
  const setup = providerSetup(values, bundle, models);
  return judgeSettings(bundle, setup, {
    models,
    samples: numberFlag(values.samples as string | undefined, "samples", bundle.body.rubric.judge.samples, {
      integer: true,
      min: 1,
    }),
    maxRepairs: 0,
    maxInputChars: numberFlag(values["max-input-chars"] as string | undefined, "max-input-chars", 200_000, {
      integer: true,
      min: 1,
    }),
  });
}

const OPTIONS = {
  bundle: { type: "string" },
  input: { type: "string" },
  ...ROW_OPTIONS,
  out: { type: "string" },
  model: { type: "string", multiple: true },
  samples: { type: "string" },
  ...PROVIDER_OPTIONS,
  "max-lines": { type: "string" },
  "max-bytes": { type: "string" },
  "retry-from": { type: "string" },
  results: { type: "string", multiple: true },
  cache: { type: "string" },
  lock: { type: "string" },
  "base-url": { type: "string" },
  "max-input-chars": { type: "string" },
  json: { type: "boolean" },
  requests: { type: "string", multiple: true },
  state: { type: "string" },
  "api-key-env": { type: "string" },
  wait: { type: "boolean" },
  "poll-s": { type: "string" },
  "wait-timeout-s": { type: "string" },
  "results-prefix": { type: "string" },
  "timeout-s": { type: "string" },
  "max-retries": { type: "string" },
} as const;

/** `--api-key-env`, `--timeout-s`, `--max-retries` and `--base-url` as the batch API connection. */
function connection(values: Flags): BatchConnection {
  const env = values["api-key-env"];
  if (env && process.env[env] === undefined) throw new CliError(`\`--api-key-env ${env}\`: the variable is not set`);
  return {
    ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
    ...(env ? { apiKey: process.env[env] } : {}),
    timeoutMs: numberFlag(values["timeout-s"], "timeout-s", 120, { min: 0.001 }) * 1000,
    maxRetries: numberFlag(values["max-retries"], "max-retries", 4, { integer: true, min: 0 }),
  };
}

async function submit(values: Flags): Promise<number> {
  const parts = (values.requests ?? []).flatMap((r) => r.split(","));
  if (parts.length === 0) throw new CliError(`\`--requests\` is required\n${HELP}`);
  const { statePath, state } = await submitBatches(parts, {
    ...connection(values),
    ...(values.provider !== undefined ? { provider: values.provider } : {}),
    ...(values.state !== undefined ? { state: values.state } : {}),
    onPart: (part, b, skipped) =>
      skipped
        ? writeErr(`${part}: already submitted as ${b.id}; skipped`)
        : writeOut(`${part} → ${b.id} (${b.status})`),
  });
  writeErr(
    `${state.batches.length} batch${state.batches.length === 1 ? "" : "es"} in ${statePath}; \`rulers batch collect --state ${statePath}\` fetches the results`,
  );
  return 0;
}

async function status(values: Flags): Promise<number> {
  if (!values.state) throw new CliError(`\`--state\` is required\n${HELP}`);
  const { statuses } = await batchStatuses(values.state, connection(values));
  if (values.json) writeOut(JSON.stringify(statuses));
  else
    for (const s of statuses)
      writeOut(
        `${s.id}  ${s.status.padEnd(11)} ${s.counts.succeeded}/${s.counts.total} done, ${s.counts.failed} failed  (${s.part})`,
      );
  return 0;
}

async function collect(values: Flags): Promise<number> {
  if (!values.state) throw new CliError(`\`--state\` is required\n${HELP}`);
  const { state, files, pending } = await collectBatches(values.state, {
    ...connection(values),
    pollMs: numberFlag(values["poll-s"], "poll-s", 30, { min: 0 }) * 1000,
    waitTimeoutMs: numberFlag(values["wait-timeout-s"], "wait-timeout-s", 86_400, { min: 0 }) * 1000,
    ...(values["results-prefix"] !== undefined ? { resultsPrefix: values["results-prefix"] } : {}),
    ...(values.wait ? { wait: true } : {}),
    onResults: (s, f) => writeOut(`${s.id} (${s.status}) → ${f}`),
  });
  if (pending.length === 0) {
    if (values.bundle && values.input && values.out)
      return ingest({ ...values, provider: state.provider, results: [...files] });
    writeErr(
      `all ${state.batches.length} batches collected; ingest with: rulers batch ingest --results ${files.join(",")} --bundle … --input … --out … --model …${state.provider === "anthropic" ? " --provider anthropic" : ""}`,
    );
    return 0;
  }
  writeErr(
    `${pending.length} batch${pending.length === 1 ? " is" : "es are"} still running (${pending.map((b) => b.id).join(", ")}); run collect again${values.wait ? "" : ", or add --wait"}`,
  );
  return 2;
}

type Flags = ReturnType<typeof parseFlags<typeof OPTIONS>>["values"];

/** Narrows the flags a subcommand cannot run without, or names the first one missing. */
function requireFlags<K extends "bundle" | "input" | "out" | "results">(
  values: Flags,
  names: readonly K[],
): asserts values is Flags & { [k in K]-?: NonNullable<Flags[k]> } {
  for (const f of names) if (!values[f]) throw new CliError(`\`--${f}\` is required\n${HELP}`);
}

const rowFlags = (values: Flags) => ({ inputFormat: values["input-format"], map: values.map });

async function prepare(values: Flags): Promise<number> {
  requireFlags(values, ["bundle", "input", "out"]);
  const bundle = loadBundle(values.bundle, values.lock);
  const settings = settingsFrom(bundle, values, values.model ?? []);
  if (values["retry-from"] && !existsSync(values["retry-from"]))
    throw new CliError(`cannot read \`${values["retry-from"]}\`: no such file`);
  // Parts are written beside --out and renamed onto it: it has to be an ordinary file path.
  if (existsSync(values.out) && !statSync(values.out).isFile())
    throw new CliError(`\`--out ${values.out}\` is not a regular file; give a path for the requests file`);
  const { parts, items, requests, skipped } = await prepareBatch(bundle, values.input, {
    settings,
    out: values.out,
    maxLines: numberFlag(values["max-lines"], "max-lines", 50_000, { integer: true, min: 1 }),
    maxBytes: numberFlag(values["max-bytes"], "max-bytes", 209_715_200, { integer: true, min: 1024 }),
    ...(values["retry-from"] ? { retryFrom: values["retry-from"] } : {}),
    ...rowFlags(values),
    onWarning: writeErr,
  });
  for (const p of parts) writeOut(`wrote ${p.path} (${p.lines} requests, ${p.bytes} bytes)`);
  writeErr(`${items} items → ${requests} requests${skipped ? `; ${skipped} rows skipped` : ""}`);
  return skipped ? 1 : 0;
}

async function ingest(values: Flags): Promise<number> {
  requireFlags(values, ["bundle", "input", "out", "results"]);
  const bundle = loadBundle(values.bundle, values.lock);
  const files = values.results.flatMap((r) => r.split(","));
  // Where the batch ran is not in its results: say so rather than name OpenAI's host.
  let host = "batch";
  if (values["base-url"]) {
    try {
      host = new URL(values["base-url"]).host;
    } catch {
      throw new CliError(`\`--base-url\` must be a URL, got \`${values["base-url"]}\``);
    }
  }
  const r = await ingestBatch(bundle, values.input, {
    results: files,
    out: values.out,
    host,
    ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
    ...(values.cache ? { cache: values.cache } : {}),
    ...rowFlags(values),
    onWarning: writeErr,
    // The results say which model each request named; --model is only needed to narrow them.
    settings: (named) => {
      if (!values.model && named.length === 0)
        throw new CliError(
          values.provider === "anthropic"
            ? "Anthropic batch custom ids are hashed and do not name the model; give the judge model with --model"
            : "no result carries a rulers custom_id naming its model; give the judge model with --model",
        );
      return settingsFrom(bundle, values, values.model ?? named);
    },
  });
  for (const f of r.failed_results.slice(0, 20)) writeErr(`failed: ${f}`);
  for (const x of r.invalid) writeErr(`not scored: ${x}`);
  writeErr(
    `ingested ${r.items} items: ${r.scored} scored, ${r.failed} not (${r.missing_results} requests without a result, ${r.failed_results.length} failed results); \`rulers batch prepare --retry-from ${values.out}\` writes a follow-up batch for the rest`,
  );
  if (values.json) {
    const { invalid: _, ...totals } = r;
    writeOut(JSON.stringify({ ...totals, failed_results: r.failed_results.length }));
  }
  return 0;
}

export const command: Command = {
  summary: "prepare and ingest OpenAI / vLLM batch files",
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "--help" || sub === "-h") {
      writeOut(HELP);
      return 0;
    }
    const run = { prepare, ingest, submit, status, collect }[sub as string];
    if (!run) throw new CliError(`give a subcommand: prepare, submit, status, collect or ingest\n${HELP}`);
    const { values } = parseFlags(rest, OPTIONS, HELP);
    return run(values);
  },
};
