/**
 * Reading what calibration and agreement work on: run records and human labels, joined on
 * `item_id`. Every problem names its file and line; nothing is joined by position.
 */
import { readFileSync } from "node:fs";
import { eachRecord, FailureTally, isScored, RecordError, type RunRecord } from "../record/index.js";
import { errnoOf, RulersError } from "../util/errors.js";
import { parseJsonl } from "../util/jsonl.js";
import { csvParseSync } from "../util/packages.js";

export class DataError extends RulersError {
  override readonly code: string = "data";
}

export interface RunItem {
  readonly item_id: string;
  readonly line: number;
  readonly record: RunRecord;
}

export interface RunRead {
  /** Scored records, in file order. */
  readonly items: RunItem[];
  /** How many records failed (no score), and why. */
  readonly failed: number;
  readonly failures: FailureTally;
}

/**
 * A run checked against the record contract (file:line for the first bad line). Failed items
 * are counted per reason and left out, never an error: a real run always has some.
 */
export function readRun(path: string): RunRead {
  const items: RunItem[] = [];
  const failures = new FailureTally();
  try {
    eachRecord(path, ({ line, record }) => {
      if (isScored(record)) items.push({ item_id: record.item_id, line, record });
      else failures.add(record);
    });
  } catch (err) {
    if (err instanceof RecordError) throw new DataError(err.message);
    throw err;
  }
  return { items, failed: failures.total, failures };
}

/**
 * Labels as JSONL `{"item_id", "label"}` or CSV with an `item_id,label` header. With `kind:
 * "any"` a label may be text (pairwise labels are `A`, `B` or `tie`); numeric text becomes a
 * number either way.
 */
export function readLabels(path: string): Map<string, number>;
export function readLabels(path: string, opts: { kind: "any" }): Map<string, number | string>;
export function readLabels(path: string, opts: { kind?: "number" | "any" } = {}): Map<string, number | string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new DataError(`cannot read labels \`${path}\` (${errnoOf(err) ?? (err as Error).message})`);
  }
  const labels = new Map<string, number | string>();
  const add = (id: unknown, label: unknown, line: number) => {
    if (id === undefined || id === null || id === "") throw new DataError(`${path}:${line}: missing \`item_id\``);
    const n =
      typeof label === "number" ? label : typeof label === "string" && label.trim() !== "" ? Number(label) : NaN;
    let value: number | string = n;
    if (!Number.isFinite(n)) {
      if (opts.kind !== "any" || typeof label !== "string" || label.trim() === "")
        throw new DataError(`${path}:${line}: label ${JSON.stringify(label)} is not a number`);
      value = label.trim();
    }
    const key = String(id);
    if (labels.has(key)) throw new DataError(`${path}:${line}: item \`${key}\` is labelled twice`);
    labels.set(key, value);
  };
  if (/\.csv$/i.test(path)) {
    // A maintained parser: quoted cells with commas, doubled quotes, CRLF, a BOM.
    let records: { record: string[]; info: { lines: number } }[];
    try {
      records = csvParseSync().parse(text, {
        bom: true,
        info: true,
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
      }) as unknown as typeof records;
    } catch (err) {
      const e = err as { lines?: number; message: string };
      throw new DataError(`${path}:${e.lines ?? 1}: not valid CSV (${e.message})`);
    }
    if (records.length === 0) throw new DataError(`${path}: no labels`);
    const header = records[0]!.record;
    const iid = header.indexOf("item_id");
    const il = header.indexOf("label");
    if (iid === -1 || il === -1)
      throw new DataError(
        `${path}:1: the CSV header must name \`item_id\` and \`label\` columns, got ${header.join(",")}`,
      );
    for (const { record, info } of records.slice(1)) add(record[iid], record[il], info.lines);
  } else {
    const { rows, problems } = parseJsonl(text);
    if (problems.length) throw new DataError(`${path}:${problems[0]!.line}: ${problems[0]!.message}`);
    for (const r of rows) {
      const v = r.value as Record<string, unknown>;
      add(v?.item_id, v?.label, r.line);
    }
  }
  if (labels.size === 0) throw new DataError(`${path}: no labels`);
  return labels;
}

export interface Joined {
  readonly item: RunItem;
  readonly label: number;
}

/**
 * Join on item_id; unlabelled items are left out, and so are labels of items that failed in the
 * run (counted by the reader), but a label with no record at all is an error.
 */
export function join(
  items: readonly RunItem[],
  labels: ReadonlyMap<string, number>,
  opts: { failedIds?: ReadonlySet<string> } = {},
): Joined[] {
  const byId = new Map(items.map((i) => [i.item_id, i]));
  const missing = [...labels.keys()].filter((id) => !byId.has(id) && !opts.failedIds?.has(id));
  if (missing.length === labels.size && missing.length > 0)
    throw new DataError(
      `no label joins the run: label ids look like \`${missing[0]}\`, run ids like \`${items[0]?.item_id ?? "(none)"}\``,
    );
  if (missing.length)
    throw new DataError(
      `${missing.length} labelled item${missing.length === 1 ? "" : "s"} not in the run (e.g. \`${missing[0]}\`); judge them or drop their labels`,
    );
  const out: Joined[] = [];
  for (const item of items) {
    const label = labels.get(item.item_id);
    if (label !== undefined) out.push({ item, label });
  }
  return out;
}

export const FEATURE_SETS = ["evidence_rejected", "spread", "criteria"] as const;
export type FeatureSet = (typeof FEATURE_SETS)[number];

/** Feature names and values for one record, in a fixed order. */
export function featuresOf(record: Record<string, unknown>, sets: readonly FeatureSet[]): [string[], number[]] {
  const names: string[] = [];
  const values: number[] = [];
  const criteria =
    (record.criteria as
      | { id: string; verdict?: string | null; level?: number | null; evidence?: { verified: boolean }[] }[]
      | undefined) ?? [];
  for (const set of sets) {
    if (set === "evidence_rejected") {
      names.push("evidence_rejected");
      values.push(criteria.reduce((a, c) => a + (c.evidence ?? []).filter((e) => !e.verified).length, 0));
    } else if (set === "spread") {
      names.push("spread");
      values.push((record.spread as { raw_score_sd?: number | null } | undefined)?.raw_score_sd ?? 0);
    } else {
      for (const c of [...criteria].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        names.push(`criterion:${c.id}`);
        values.push(c.level ?? (c.verdict === "met" ? 1 : c.verdict === "tie" ? 0.5 : 0));
      }
    }
  }
  return [names, values];
}
