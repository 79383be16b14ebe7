import { existsSync } from "node:fs";
import { type LineRecord, RecordError, readRecords } from "../../record/index.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { readJsonl, rowId } from "../../util/jsonl.js";
import { CliError, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers merge <run-shard.jsonl…> --out run.jsonl [--input rows.jsonl]

Joins the outputs of \`rulers judge --shard I/N\` into one run in input order. Shards from
different bundles, judges or decoding settings are refused; duplicate items are reported (and
refused when their records differ); with --input, items no shard judged are reported as gaps.`;

type Rec = Record<string, unknown> & { item_id: string; line?: number };

/** What must be the same across shards for their records to belong to one run. */
function identity(r: Rec): string {
  const j = (r.judge ?? {}) as Record<string, unknown>;
  return JSON.stringify({
    bundle: (r.bundle as { hash?: string } | undefined)?.hash,
    model: j.requested_model ?? j.model,
    temperature: j.temperature,
    seed: j.seed,
    samples: j.samples,
    format: j.format,
  });
}

export const command: Command = {
  summary: "join sharded runs into one",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { out: { type: "string" }, input: { type: "string" } }, HELP);
    if (!values.out || positionals.length === 0) throw new CliError(`give shard files and --out\n${HELP}`);
    const byId = new Map<string, { rec: Rec; file: string }>();
    let reference: { id: string; file: string } | null = null;
    let duplicates = 0;
    for (const file of positionals) {
      if (!existsSync(file)) throw new CliError(`cannot read \`${file}\`: no such file`);
      let rows: LineRecord[];
      try {
        rows = readRecords(file);
      } catch (err) {
        if (err instanceof RecordError) throw new CliError(err.message);
        throw err;
      }
      for (const r of rows) {
        const rec = r.raw as Rec;
        // Row errors carry no judge; they cannot disagree with the run's settings.
        if (rec.judge !== undefined) {
          const id = identity(rec);
          if (!reference) reference = { id, file };
          else if (id !== reference.id)
            throw new CliError(
              `${file}:${r.line}: this shard was judged with ${id}, but ${reference.file} with ${reference.id}; shards must share bundle, judge and settings`,
            );
        }
        const seen = byId.get(rec.item_id);
        if (seen) {
          duplicates++;
          const strip = (x: Rec) => JSON.stringify({ ...x, latency_ms: 0 });
          if (strip(seen.rec) !== strip(rec))
            throw new CliError(
              `${file}:${r.line}: item \`${rec.item_id}\` is also in ${seen.file} with a different record`,
            );
          writeErr(`${file}:${r.line}: item \`${rec.item_id}\` is also in ${seen.file} (identical; kept once)`);
          continue;
        }
        byId.set(rec.item_id, { rec, file });
      }
    }
    const records = [...byId.values()].map((x) => x.rec).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    let gaps = 0;
    if (values.input) {
      const { rows } = readJsonl(values.input);
      for (const r of rows) {
        const v = r.value as { id?: unknown };
        const id = rowId(v, r.line);
        if (!byId.has(id)) {
          gaps++;
          if (gaps <= 20) writeErr(`gap: item \`${id}\` (${values.input}:${r.line}) is in no shard`);
        }
      }
    }
    writeFileAtomic(values.out, records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : ""));
    writeOut(
      `merged ${records.length} records from ${positionals.length} shards → ${values.out}${duplicates ? `; ${duplicates} duplicates` : ""}${gaps ? `; ${gaps} gaps` : ""}`,
    );
    return gaps ? 1 : 0;
  },
};
