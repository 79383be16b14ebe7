import { once } from "node:events";
import { createWriteStream, existsSync, renameSync, statSync } from "node:fs";
import { BundleError } from "../../bundle/file.js";
import { LockError, readLock, resolveBundleRef } from "../../bundle/lock.js";
import type { Bundle } from "../../bundle/types.js";
import { verifyBundleFile } from "../../bundle/verify.js";
import {
  customId,
  type JudgeSettings,
  PartWriter,
  planCalls,
  ResultIndex,
  RowError,
  runJudge,
} from "../../execute/index.js";
import { type Cache, createJudgeClient, memoryCache, openCache } from "../../judge/index.js";
import { type JsonlProblem, type JsonlRow, readJsonl, rowId, streamJsonl } from "../../util/jsonl.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers batch prepare --bundle B --input rows.jsonl --out requests.jsonl --model M [--samples K]
                            [--format json_schema|json] [--max-lines N] [--max-bytes N] [--retry-from run.jsonl]
       rulers batch ingest --bundle B --input rows.jsonl --results out.jsonl[,out2.jsonl…] --out run.jsonl
                           [--model M] [--samples K] [--cache FILE] [--base-url URL]

prepare writes the OpenAI Batch API input format (custom_id, method, url, body with the strict
response_format) — exactly the requests \`rulers judge\` would send — split into numbered parts
over --max-lines (50000) or --max-bytes (209715200). ingest reads OpenAI or vLLM run-batch output
files, validates every answer, verifies evidence, scores, and writes the same run.jsonl records as
\`rulers judge\`, listing missing, failed and invalid results; --cache fills the judge's call cache.
ingest takes the judge model from the results' custom ids (--model narrows them); records name
the judge's host as \`batch\` unless --base-url says where the batch ran.`;

function loadBundle(ref: string, lockPath: string | undefined): Bundle {
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
  const format = (values.format as string | undefined) ?? "json_schema";
  if (format !== "json" && format !== "json_schema") throw new CliError("`--format` must be json_schema or json");
  return {
    models,
    temperature: ir.judge.temperature,
    samples: numberFlag(values.samples as string | undefined, "samples", ir.judge.samples, { integer: true, min: 1 }),
    seed: ir.judge.seed,
    max_tokens: ir.judge.max_tokens,
    format,
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
  out: { type: "string" },
  model: { type: "string", multiple: true },
  samples: { type: "string" },
  format: { type: "string" },
  "max-lines": { type: "string" },
  "max-bytes": { type: "string" },
  "retry-from": { type: "string" },
  results: { type: "string", multiple: true },
  cache: { type: "string" },
  lock: { type: "string" },
  "base-url": { type: "string" },
  "max-input-chars": { type: "string" },
  json: { type: "boolean" },
} as const;

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
  if (!existsSync(values.input)) throw new CliError(`cannot read \`${values.input}\`: no such file`);
  // Parts are written beside --out and renamed onto it: it has to be an ordinary file path.
  if (existsSync(values.out) && !statSync(values.out).isFile())
    throw new CliError(`\`--out ${values.out}\` is not a regular file; give a path for the requests file`);
  const writer = new PartWriter(
    values.out,
    numberFlag(values["max-lines"], "max-lines", 50_000, { integer: true, min: 1 }),
    numberFlag(values["max-bytes"], "max-bytes", 209_715_200, { integer: true, min: 1024 }),
  );
  let items = 0,
    requests = 0,
    skipped = 0;
  for await (const r of streamJsonl(values.input)) {
    if (r.value === undefined) {
      writeErr(`${values.input}:${r.line}: ${(r as { message: string }).message}; skipped`);
      skipped++;
      continue;
    }
    const row = r.value as Record<string, unknown>;
    const id = rowId(row, r.line);
    if (done?.has(id)) continue;
    try {
      for (const call of planCalls(bundle, settings, row, id)) {
        await writer.write(call.line());
        requests++;
      }
      items++;
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      writeErr(`${values.input}:${r.line}: ${err.message}; skipped`);
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
  if (!existsSync(values.input)) throw new CliError(`cannot read \`${values.input}\`: no such file`);
  const index = new ResultIndex(files);
  for (const p of index.problems.slice(0, 20)) writeErr(p);
  // The results say which model each request named; --model is only needed to narrow them.
  if (!values.model) {
    const named = index.models();
    if (named.length === 0)
      throw new CliError("no result carries a rulers custom_id naming its model; give the judge model with --model");
    values.model = named;
  }
  const settings = settingsFrom(bundle, values, 0);
  const disk: Cache | null = values.cache ? openCache(values.cache) : null;
  const client = createJudgeClient({
    ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
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
  const answers = (q: { itemId: string; model: string; sample: number; swapped: boolean }) => {
    const id = customId(q.itemId, q.model, q.sample, q.swapped);
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
      // Where the batch ran is not in its results: say so rather than name OpenAI's host.
      host: values["base-url"] ? new URL(values["base-url"]).host : "batch",
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
    for await (const r of streamJsonl(values.input)) {
      if (r.value === undefined) problems.push(r as JsonlProblem);
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
    if (sub !== "prepare" && sub !== "ingest") throw new CliError(`give a subcommand: prepare or ingest\n${HELP}`);
    const { values } = parseFlags(rest, OPTIONS, HELP);
    return sub === "prepare" ? prepare(values) : ingest(values);
  },
};
