import { existsSync } from "node:fs";
import { BundleError } from "../../bundle/file.js";
import { LockError, readLock, resolveBundleRef } from "../../bundle/lock.js";
import { verifyBundleFile } from "../../bundle/verify.js";
import type { Bundle } from "../../bundle/types.js";
import { memoryCache, openCache, createJudgeClient, runJudge, type Cache } from "../../judge/index.js";
import { parseBatchLine, PartWriter, planCalls, RowError, type BatchResult } from "../../judge/batch.js";
import type { JudgeSettings } from "../../judge/item.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { readJsonl, streamJsonl } from "../../util/jsonl.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers batch prepare --bundle B --input rows.jsonl --out requests.jsonl --model M [--samples K]
                            [--format json_schema|json] [--max-lines N] [--max-bytes N] [--retry-from run.jsonl]
       rulers batch ingest --bundle B --input rows.jsonl --results out.jsonl[,out2.jsonl…] --out run.jsonl
                           --model M [--samples K] [--cache FILE] [--base-url URL]

prepare writes the OpenAI Batch API input format (custom_id, method, url, body with the strict
response_format) — exactly the requests \`rulers judge\` would send — split into numbered parts
over --max-lines (50000) or --max-bytes (209715200). ingest reads OpenAI or vLLM run-batch output
files, validates every answer, verifies evidence, scores, and writes the same run.jsonl records as
\`rulers judge\`, listing missing, failed and invalid results; --cache fills the judge's call cache.`;

function loadBundle(ref: string, lockPath: string | undefined): Bundle {
  try {
    const lock = lockPath ? readLock(lockPath) : undefined;
    const v = verifyBundleFile(resolveBundleRef(ref, lockPath), lock ? { lock } : {});
    if (!v.bundle || v.problems.length) throw new CliError(`refusing ${ref}: ${v.problems.map((p) => p.message).join("; ")}`);
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
    models, temperature: ir.judge.temperature,
    samples: numberFlag(values.samples as string | undefined, "samples", ir.judge.samples, { integer: true, min: 1 }),
    seed: ir.judge.seed, max_tokens: ir.judge.max_tokens, format, maxRepairs,
    maxInputChars: numberFlag(values["max-input-chars"] as string | undefined, "max-input-chars", 200_000, { integer: true, min: 1 }),
  };
}

const OPTIONS = {
  bundle: { type: "string" }, input: { type: "string" }, out: { type: "string" }, model: { type: "string", multiple: true },
  samples: { type: "string" }, format: { type: "string" }, "max-lines": { type: "string" }, "max-bytes": { type: "string" },
  "retry-from": { type: "string" }, results: { type: "string", multiple: true }, cache: { type: "string" }, lock: { type: "string" },
  "base-url": { type: "string" }, "max-input-chars": { type: "string" }, json: { type: "boolean" },
} as const;

async function prepare(values: Record<string, any>): Promise<number> {
  for (const f of ["bundle", "input", "out"]) if (!values[f]) throw new CliError(`\`--${f}\` is required\n${HELP}`);
  const bundle = loadBundle(values.bundle, values.lock);
  const settings = settingsFrom(bundle, values, 0);
  // With --retry-from, every item that did not finish in that run goes into the follow-up batch
  // (failed, invalid, or absent from it altogether).
  let done: Set<string> | null = null;
  if (values["retry-from"]) {
    if (!existsSync(values["retry-from"])) throw new CliError(`cannot read \`${values["retry-from"]}\`: no such file`);
    const { rows } = readJsonl(values["retry-from"]);
    done = new Set(rows.filter((r) => (r.value as { error?: unknown }).error === undefined).map((r) => String((r.value as { item_id?: unknown }).item_id)));
  }
  if (!existsSync(values.input)) throw new CliError(`cannot read \`${values.input}\`: no such file`);
  const writer = new PartWriter(values.out, numberFlag(values["max-lines"], "max-lines", 50_000, { integer: true, min: 1 }), numberFlag(values["max-bytes"], "max-bytes", 209_715_200, { integer: true, min: 1024 }));
  let items = 0, requests = 0, skipped = 0;
  for await (const r of streamJsonl(values.input)) {
    if (r.value === undefined) {
      writeErr(`${values.input}:${r.line}: ${(r as { message: string }).message}; skipped`);
      skipped++;
      continue;
    }
    const row = r.value as Record<string, unknown>;
    const id = typeof row?.id === "string" || typeof row?.id === "number" ? String(row.id) : String(r.line);
    if (done && done.has(id)) continue;
    try {
      for (const call of planCalls(bundle, settings, row, id)) {
        await writer.write(JSON.stringify({ custom_id: call.custom_id, method: "POST", url: "/v1/chat/completions", body: call.body }));
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
    const { renameSync } = await import("node:fs");
    renameSync(parts[0]!.path, values.out);
    parts[0] = { ...parts[0]!, path: values.out };
  }
  for (const p of parts) writeOut(`wrote ${p.path} (${p.lines} requests, ${p.bytes} bytes)`);
  writeErr(`${items} items → ${requests} requests${skipped ? `; ${skipped} rows skipped` : ""}`);
  return skipped ? 1 : 0;
}

async function ingest(values: Record<string, any>): Promise<number> {
  for (const f of ["bundle", "input", "out", "results"]) if (!values[f]) throw new CliError(`\`--${f}\` is required\n${HELP}`);
  const bundle = loadBundle(values.bundle, values.lock);
  const settings = settingsFrom(bundle, values, 0);
  const results = new Map<string, BatchResult>();
  const files = (values.results as string[]).flatMap((r) => r.split(","));
  for (const f of files) {
    if (!existsSync(f)) throw new CliError(`cannot read results \`${f}\`: no such file`);
    const { rows, problems } = readJsonl(f);
    for (const p of problems) writeErr(`${f}:${p.line}: ${p.message}; skipped`);
    for (const r of rows) {
      const parsed = parseBatchLine(r.value);
      if (typeof parsed === "string") writeErr(`${f}:${r.line}: ${parsed}; skipped`);
      else results.set(parsed.custom_id, parsed);
    }
  }
  const { rows, problems } = readJsonl(values.input);
  const cache: Cache = values.cache ? openCache(values.cache) : memoryCache();
  const failed: string[] = [];
  let missing = 0;
  try {
    for (const r of rows) {
      const row = r.value as Record<string, unknown>;
      const id = typeof row?.id === "string" || typeof row?.id === "number" ? String(row.id) : String(r.line);
      let calls;
      try {
        calls = planCalls(bundle, settings, row, id);
      } catch (err) {
        if (err instanceof RowError) continue; // recorded as a row error by the run below
        throw err;
      }
      for (const c of calls) {
        const res = results.get(c.custom_id);
        if (!res) missing++;
        else if (res.completion === null) failed.push(`${c.custom_id}: ${res.error}`);
        else await cache.put(c.key, res.completion);
      }
    }
    const client = createJudgeClient({ ...(values["base-url"] ? { baseURL: values["base-url"] } : {}), apiKey: "unused", timeoutMs: 1000, maxRetries: 0 });
    const { records, summary } = await runJudge({ bundle, rows, problems, client, cache, settings, concurrency: 8, offline: true, progress: false });
    writeFileAtomic(values.out, records.map((x) => JSON.stringify(x)).join("\n") + (records.length ? "\n" : ""));
    for (const f of failed.slice(0, 20)) writeErr(`failed: ${f}`);
    const invalid = records.filter((x) => typeof x.error === "string" && !/no batch result/.test(x.error as string));
    for (const x of invalid.slice(0, 20)) writeErr(`not scored: ${x.item_id}: ${x.error}`);
    writeErr(`ingested ${summary.items} items: ${summary.scored} scored, ${summary.failed} not (${missing} requests without a result, ${failed.length} failed, ${invalid.length} items with invalid answers or bad rows) → ${values.out}; \`rulers batch prepare --retry-from ${values.out}\` writes a follow-up batch for them`);
    if (values.json) writeOut(JSON.stringify({ ...summary, missing_results: missing, failed_results: failed.length }));
    return 0;
  } finally {
    cache.close();
  }
}

export const command: Command = {
  summary: "prepare and ingest OpenAI / vLLM batch files",
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== "prepare" && sub !== "ingest") throw new CliError(`give a subcommand: prepare or ingest\n${HELP}`);
    const { values } = parseFlags(rest, OPTIONS, HELP);
    return sub === "prepare" ? prepare(values) : ingest(values);
  },
};
