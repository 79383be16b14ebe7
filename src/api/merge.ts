/**
 * Joining the outputs of sharded runs (`rulers judge --shard I/N`) into one run in input order,
 * as `rulers merge` does. Shards from different bundles, judges or decoding settings are
 * refused; a duplicate item is kept once when its records agree and refused when they differ.
 */
import { existsSync } from "node:fs";
import { type LineRecord, readRecords } from "../record/index.js";
import { writeFileAtomic } from "../util/atomic.js";
import { RulersError } from "../util/errors.js";
import { extend } from "../util/extend.js";
import { readJsonl, rowId } from "../util/jsonl.js";

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

export interface MergeOptions {
  /** The merged run file. */
  readonly out: string;
  /** The rows the shards were cut from (JSONL): items no shard judged are reported as gaps. */
  readonly input?: string;
  /** Duplicates kept once and gaps (the first 20); default: stderr. */
  readonly onWarning?: (message: string) => void;
}

export interface Merged {
  readonly records: number;
  readonly duplicates: number;
  /** Rows of `input` that no shard judged. */
  readonly gaps: number;
}

/** Merge shard run files into `out`, in input order. */
export function mergeRuns(shards: readonly string[], opts: MergeOptions): Merged {
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`${m}\n`));
  const byId = new Map<string, { rec: Rec; file: string }>();
  let reference: { id: string; file: string } | null = null;
  let duplicates = 0;
  for (const file of shards) {
    if (!existsSync(file)) throw new RulersError(`cannot read \`${file}\`: no such file`, { code: "usage" });
    const rows: LineRecord[] = readRecords(file);
    for (const r of rows) {
      const rec = r.raw as Rec;
      // Row errors carry no judge; they cannot disagree with the run's settings.
      if (rec.judge !== undefined) {
        const id = identity(rec);
        if (!reference) reference = { id, file };
        else if (id !== reference.id)
          throw new RulersError(
            `${file}:${r.line}: this shard was judged with ${id}, but ${reference.file} with ${reference.id}; shards must share bundle, judge and settings`,
            { code: "merge" },
          );
      }
      const seen = byId.get(rec.item_id);
      if (seen) {
        duplicates++;
        const strip = (x: Rec) => JSON.stringify(extend(x, { latency_ms: 0 }));
        if (strip(seen.rec) !== strip(rec))
          throw new RulersError(
            `${file}:${r.line}: item \`${rec.item_id}\` is also in ${seen.file} with a different record`,
            { code: "merge" },
          );
        warn(`${file}:${r.line}: item \`${rec.item_id}\` is also in ${seen.file} (identical; kept once)`);
        continue;
      }
      byId.set(rec.item_id, { rec, file });
    }
  }
  const records = [...byId.values()].map((x) => x.rec).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  let gaps = 0;
  if (opts.input) {
    const { rows } = readJsonl(opts.input);
    for (const r of rows) {
      const id = rowId(r.value as { id?: unknown }, r.line);
      if (!byId.has(id)) {
        gaps++;
        if (gaps <= 20) warn(`gap: item \`${id}\` (${opts.input}:${r.line}) is in no shard`);
      }
    }
  }
  writeFileAtomic(opts.out, records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : ""));
  return { records: records.length, duplicates, gaps };
}
