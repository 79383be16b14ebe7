import { once } from "node:events";
import { createWriteStream, existsSync, renameSync, statSync } from "node:fs";
import { BundleError } from "../../bundle/file.js";
import { LockError, readLock, resolveBundleRef } from "../../bundle/lock.js";
import type { Bundle } from "../../bundle/types.js";
import { verifyBundleFile } from "../../bundle/verify.js";
import {
  type BatchState,
  BatchStateError,
  type BatchStatus,
  batchStatus,
  downloadResults,
  type RemoteOptions,
  readState,
  submitPart,
  writeState,
} from "../../execute/batch-remote.js";
import {
  anthropicCustomId,
  customId,
  type JudgeSettings,
  PartWriter,
  planCalls,
  ResultIndex,
  RowError,
  runJudge,
} from "../../execute/index.js";
import { type Cache, createJudgeClient, memoryCache, openCache } from "../../judge/index.js";
import { type JsonlProblem, type JsonlRow, readJsonl, rowId } from "../../util/jsonl.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import { PROVIDER_HELP, PROVIDER_OPTIONS, providerSetup } from "../judge-options.js";
import type { Command } from "../main.js";
import { openInput, ROW_HELP, ROW_OPTIONS } from "../row-options.js";

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
  try {
    const lock = lockPath ? readLock(lockPath) : undefined;
    const v = verifyBundleFile(resolveBundleRef(ref, lockPath), lock ? { lock } : {});
    if (!v.bundle || v.problems.length)
      throw new CliError(`refusing ${ref}: ${v.problems.map((p) => p.message).join("; ")}`);
    return v.bundle;
  } catch (err) {
    if (err instanceof LockError || err instanceof BundleError) throw new CliError(err.message);
    throw err;
  }
}

function settingsFrom(bundle: Bundle, values: Record<string, unknown>, maxRepairs: number): JudgeSettings {
  const ir = bundle.body.rubric;
  const models = (values.model as string[] | undefined) ?? [];
  if (models.length === 0) throw new CliError("give the judge model with --model (it is part of every request)");
  const setup = providerSetup(values, bundle, models);
  return {
    models,
    temperature: ir.judge.temperature,
    samples: numberFlag(values.samples as string | undefined, "samples", ir.judge.samples, { integer: true, min: 1 }),
    seed: ir.judge.seed,
    max_tokens: ir.judge.max_tokens,
    format: setup.format,
    provider: setup.provider,
    reasoning_effort: setup.reasoning_effort,
    reasoning_budget: setup.reasoning_budget,
    overrides: setup.overrides,
    capabilities: setup.capabilities,
    prices: setup.prices,
    maxRepairs,
    maxInputChars: numberFlag(values["max-input-chars"] as string | undefined, "max-input-chars", 200_000, {
      integer: true,
      min: 1,
    }),
  };
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

function remoteOptions(values: Flags, provider: string, baseURL: string | null): RemoteOptions {
  if (provider !== "openai" && provider !== "anthropic")
    throw new CliError(`batches are submitted to openai or anthropic (--provider), not \`${provider}\``);
  const env = values["api-key-env"] as string | undefined;
  if (env && process.env[env] === undefined) throw new CliError(`\`--api-key-env ${env}\`: the variable is not set`);
  return {
    provider,
    ...(baseURL ? { baseURL } : {}),
    ...(env ? { apiKey: process.env[env] } : {}),
    timeoutMs: numberFlag(values["timeout-s"], "timeout-s", 120, { min: 0.001 }) * 1000,
    maxRetries: numberFlag(values["max-retries"], "max-retries", 4, { integer: true, min: 0 }),
  };
}

/** SDK and state-file failures in words, for the CLI. */
function remoteError(err: unknown, what: string): never {
  if (err instanceof CliError) throw err;
  if (err instanceof BatchStateError) throw new CliError(err.message);
  const e = err as { status?: number; message?: string };
  throw new CliError(
    `${what} failed${e.status ? ` (${e.status})` : ""}: ${(e.message ?? String(err)).replace(/\s+/g, " ").slice(0, 300)}`,
  );
}

async function submit(values: Flags): Promise<number> {
  const parts = ((values.requests as string[] | undefined) ?? []).flatMap((r) => r.split(","));
  if (parts.length === 0) throw new CliError(`\`--requests\` is required\n${HELP}`);
  for (const p of parts) if (!existsSync(p)) throw new CliError(`cannot read requests \`${p}\`: no such file`);
  const statePath = (values.state as string | undefined) ?? `${parts[0]}.batch.json`;
  const previous = existsSync(statePath) ? readState(statePath) : null;
  const provider = (values.provider as string | undefined) ?? previous?.provider ?? "openai";
  if (previous && previous.provider !== provider)
    throw new CliError(`${statePath} holds ${previous.provider} batches; not mixing in ${provider}`);
  const baseURL = (values["base-url"] as string | undefined) ?? previous?.base_url ?? null;
  const o = remoteOptions(values, provider, baseURL);
  const state: BatchState = { provider: o.provider, base_url: baseURL, batches: [...(previous?.batches ?? [])] };
  for (const part of parts) {
    const done = state.batches.find((b) => b.part === part);
    if (done) {
      writeErr(`${part}: already submitted as ${done.id}; skipped`);
      continue;
    }
    try {
      const b = await submitPart(o, part);
      state.batches.push(b);
      // Written at once: a crash after this line never submits the part again.
      writeState(statePath, state);
      writeOut(`${part} → ${b.id} (${b.status})`);
    } catch (err) {
      remoteError(err, `submitting ${part}`);
    }
  }
  writeState(statePath, state);
  writeErr(
    `${state.batches.length} batch${state.batches.length === 1 ? "" : "es"} in ${statePath}; \`rulers batch collect --state ${statePath}\` fetches the results`,
  );
  return 0;
}

async function statuses(values: Flags, statePath: string) {
  const state = readState(statePath);
  const o = remoteOptions(values, state.provider, (values["base-url"] as string | undefined) ?? state.base_url);
  const out: (BatchStatus & { part: string })[] = [];
  for (const b of state.batches) {
    try {
      out.push({ ...(await batchStatus(o, b.id)), part: b.part });
    } catch (err) {
      remoteError(err, `asking for batch ${b.id}`);
    }
  }
  return { state, o, out };
}

async function status(values: Flags): Promise<number> {
  if (!values.state) throw new CliError(`\`--state\` is required\n${HELP}`);
  let r: Awaited<ReturnType<typeof statuses>>;
  try {
    r = await statuses(values, values.state);
  } catch (err) {
    remoteError(err, "reading the batch state");
  }
  if (values.json) writeOut(JSON.stringify(r.out));
  else
    for (const s of r.out)
      writeOut(
        `${s.id}  ${s.status.padEnd(11)} ${s.counts.succeeded}/${s.counts.total} done, ${s.counts.failed} failed  (${s.part})`,
      );
  return 0;
}

async function collect(values: Flags): Promise<number> {
  if (!values.state) throw new CliError(`\`--state\` is required\n${HELP}`);
  const statePath = values.state as string;
  const pollMs = numberFlag(values["poll-s"], "poll-s", 30, { min: 0 }) * 1000;
  const deadline = Date.now() + numberFlag(values["wait-timeout-s"], "wait-timeout-s", 86_400, { min: 0 }) * 1000;
  const prefix = (values["results-prefix"] as string | undefined) ?? statePath.replace(/\.batch\.json$|\.json$/, "");
  for (;;) {
    let r: Awaited<ReturnType<typeof statuses>>;
    try {
      r = await statuses(values, statePath);
    } catch (err) {
      remoteError(err, "reading the batch state");
    }
    const { state, o, out } = r;
    for (const s of out) {
      const b = state.batches.find((x) => x.id === s.id)!;
      b.status = s.status;
      if (s.state === "in_progress" || b.results) continue;
      try {
        b.results = await downloadResults(o, s.id, prefix);
      } catch (err) {
        remoteError(err, `downloading the results of ${s.id}`);
      }
      for (const f of b.results) writeOut(`${s.id} (${s.status}) → ${f}`);
      writeState(statePath, state);
    }
    writeState(statePath, state);
    const pending = state.batches.filter((b) => !b.results);
    if (pending.length === 0) {
      const files = state.batches.flatMap((b) => b.results ?? []);
      if (values.bundle && values.input && values.out) {
        const ingestValues = { ...values, provider: state.provider, results: files };
        return ingest(ingestValues);
      }
      writeErr(
        `all ${state.batches.length} batches collected; ingest with: rulers batch ingest --results ${files.join(",")} --bundle … --input … --out … --model …${state.provider === "anthropic" ? " --provider anthropic" : ""}`,
      );
      return 0;
    }
    if (!values.wait || Date.now() >= deadline) {
      writeErr(
        `${pending.length} batch${pending.length === 1 ? " is" : "es are"} still running (${pending.map((b) => b.id).join(", ")}); run collect again${values.wait ? "" : ", or add --wait"}`,
      );
      return 2;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

type Flags = ReturnType<typeof parseFlags<typeof OPTIONS>>["values"];

/** Narrows the flags a subcommand cannot run without, or names the first one missing. */
function requireFlags<K extends "bundle" | "input" | "out" | "results">(
  values: Flags,
  names: readonly K[],
): asserts values is Flags & { [k in K]-?: NonNullable<Flags[k]> } {
  for (const f of names) if (!values[f]) throw new CliError(`\`--${f}\` is required\n${HELP}`);
}

async function prepare(values: Flags): Promise<number> {
  requireFlags(values, ["bundle", "input", "out"]);
  const bundle = loadBundle(values.bundle, values.lock);
  const settings = settingsFrom(bundle, values, 0);
  // With --retry-from, every item that did not finish in that run goes into the follow-up batch
  // (failed, invalid, or absent from it altogether).
  let done: Set<string> | null = null;
  if (values["retry-from"]) {
    if (!existsSync(values["retry-from"])) throw new CliError(`cannot read \`${values["retry-from"]}\`: no such file`);
    const { rows } = readJsonl(values["retry-from"]);
    done = new Set(
      rows
        .filter((r) => (r.value as { error?: unknown }).error === undefined)
        .map((r) => String((r.value as { item_id?: unknown }).item_id)),
    );
  }
  // Parts are written beside --out and renamed onto it: it has to be an ordinary file path.
  if (existsSync(values.out) && !statSync(values.out).isFile())
    throw new CliError(`\`--out ${values.out}\` is not a regular file; give a path for the requests file`);
  const rows = await openInput(values.input, values, bundle);
  const writer = new PartWriter(
    values.out,
    numberFlag(values["max-lines"], "max-lines", 50_000, { integer: true, min: 1 }),
    numberFlag(values["max-bytes"], "max-bytes", 209_715_200, { integer: true, min: 1024 }),
  );
  let items = 0,
    requests = 0,
    skipped = 0;
  for await (const r of rows) {
    if (r.value === undefined) {
      writeErr(`${rows.place(r.line)}: ${r.message}; skipped`);
      skipped++;
      continue;
    }
    const row = r.value as Record<string, unknown>;
    const id = rowId(row, r.line);
    if (done?.has(id)) continue;
    try {
      for (const call of planCalls(bundle, settings, row, id)) {
        await writer.write(call.pieces());
        requests++;
      }
      items++;
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      writeErr(`${rows.place(r.line)}: ${err.message}; skipped`);
      skipped++;
    }
  }
  await writer.close();
  // One part keeps the name asked for; several are numbered.
  const parts = writer.parts;
  if (parts.length === 1) {
    renameSync(parts[0]!.path, values.out);
    parts[0] = { ...parts[0]!, path: values.out };
  }
  for (const p of parts) writeOut(`wrote ${p.path} (${p.lines} requests, ${p.bytes} bytes)`);
  writeErr(`${items} items → ${requests} requests${skipped ? `; ${skipped} rows skipped` : ""}`);
  return skipped ? 1 : 0;
}

/** Rows are ingested in chunks, so memory stays bounded whatever the size of the batch. */
const INGEST_CHUNK = 4000;

async function ingest(values: Flags): Promise<number> {
  requireFlags(values, ["bundle", "input", "out", "results"]);
  const bundle = loadBundle(values.bundle, values.lock);
  const files = values.results.flatMap((r) => r.split(","));
  for (const f of files) if (!existsSync(f)) throw new CliError(`cannot read results \`${f}\`: no such file`);
  const rows = await openInput(values.input, values, bundle);
  const index = new ResultIndex(files);
  for (const p of index.problems.slice(0, 20)) writeErr(p);
  // The results say which model each request named; --model is only needed to narrow them.
  if (!values.model) {
    const named = index.models();
    if (named.length === 0)
      throw new CliError(
        values.provider === "anthropic"
          ? "Anthropic batch custom ids are hashed and do not name the model; give the judge model with --model"
          : "no result carries a rulers custom_id naming its model; give the judge model with --model",
      );
    values.model = named;
  }
  const settings = settingsFrom(bundle, values, 0);
  // Where the batch ran is not in its results: say so rather than name OpenAI's host.
  let host = "batch";
  if (values["base-url"]) {
    try {
      host = new URL(values["base-url"]).host;
    } catch {
      throw new CliError(`\`--base-url\` must be a URL, got \`${values["base-url"]}\``);
    }
  }
  const disk: Cache | null = values.cache ? openCache(values.cache) : null;
  const client = createJudgeClient({
    ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
    ...(settings.provider ? { provider: settings.provider } : {}),
    ...(settings.capabilities ? { capabilities: settings.capabilities } : {}),
    apiKey: "unused",
    timeoutMs: 1000,
    maxRetries: 0,
  });
  const tmp = `${values.out}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  const failed: string[] = [];
  const invalid: string[] = [];
  let missing = 0;
  const totals = { items: 0, scored: 0, failed: 0, evidence_verified: 0, evidence_rejected: 0 };
  const seen = new Set<string>();
  let chunk: JsonlRow[] = [];
  let problems: JsonlProblem[] = [];
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
  const flushChunk = async () => {
    const { records, summary } = await runJudge({
      bundle,
      rows: chunk,
      problems,
      client,
      cache: disk ?? memoryCache(),
      settings,
      concurrency: 1,
      answers,
      host,
      progress: false,
    });
    for (const x of records) {
      if (typeof x.error === "string" && !/no batch result/.test(x.error) && invalid.length < 20)
        invalid.push(`${x.item_id}: ${x.error}`);
      if (!out.write(`${JSON.stringify(x)}\n`)) await once(out, "drain");
    }
    totals.items += summary.items;
    totals.scored += summary.scored;
    totals.failed += summary.failed;
    totals.evidence_verified += summary.evidence_verified;
    totals.evidence_rejected += summary.evidence_rejected;
    chunk = [];
    problems = [];
  };
  try {
    for await (const r of rows) {
      if (r.message !== undefined) problems.push({ line: r.line, message: r.message });
      else {
        const row = r.value as Record<string, unknown>;
        const id = rowId(row, r.line);
        // Ids must be unique across the whole file, not only within a chunk.
        if (seen.has(id))
          problems.push({ line: r.line, message: `item id \`${id}\` is used by an earlier row; ids must be unique` });
        else {
          seen.add(id);
          chunk.push(r as JsonlRow);
        }
      }
      if (chunk.length >= INGEST_CHUNK) await flushChunk();
    }
    if (chunk.length || problems.length) await flushChunk();
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    renameSync(tmp, values.out);
  } finally {
    index.close();
    disk?.close();
  }
  for (const f of failed.slice(0, 20)) writeErr(`failed: ${f}`);
  for (const x of invalid) writeErr(`not scored: ${x}`);
  writeErr(
    `ingested ${totals.items} items: ${totals.scored} scored, ${totals.failed} not (${missing} requests without a result, ${failed.length} failed results); \`rulers batch prepare --retry-from ${values.out}\` writes a follow-up batch for the rest`,
  );
  if (values.json) writeOut(JSON.stringify({ ...totals, missing_results: missing, failed_results: failed.length }));
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
