/**
 * Reading runs: every line checked against the record contract, every problem reported as
 * `file:line` with the field that is wrong. A run is refused whole (nothing is computed from
 * half a run) when a line is not a record, the last line is cut short, two records share an
 * item id, or records come from different bundles.
 */
import type { z } from "zod";
import { errnoOf, RulersError } from "../util/errors.js";
import { eachLine } from "../util/jsonl.js";
import { type RunRecord, recordSchemas } from "./schema.js";

export class RecordError extends RulersError {
  override readonly code: string = "record";
  override readonly name = "RecordError";
}

/** The first problem of a parse, as `field: message` (the field as a path, `criteria[0].level`). */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
  return path ? `\`${path}\`: ${issue.message}` : issue.message;
}

/** Check a parsed value against the contract; throws a RecordError naming `where` (e.g. `run.jsonl:12`). */
export function parseRecord(value: unknown, where: string): RunRecord {
  const r = recordSchemas().RunRecordSchema.safeParse(value);
  if (!r.success) throw new RecordError(`${where}: not a run record: ${describeIssue(r.error)}`);
  return r.data;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RecordError(`${where}: not valid JSON (${(err as Error).message})`);
  }
}

/** Parse one line of a run. */
export function parseRecordLine(text: string, where: string): RunRecord {
  return parseRecord(parseJson(text, where), where);
}

export interface ReadOptions {
  /** Accept records of more than one bundle (a merged comparison); default false. */
  readonly mixedBundles?: boolean;
  /** Accept two records with one item id (the caller handles them); default false. */
  readonly duplicates?: boolean;
}

export interface LineRecord {
  readonly line: number;
  /** The record as the contract reads it (fields it does not know are dropped). */
  readonly record: RunRecord;
  /** The line as written, every field kept: for commands that rewrite records. */
  readonly raw: Record<string, unknown>;
}

/** Calls `each` with every record of a run in file order, checking the whole run as it goes. */
export function eachRecord(path: string, each: (r: LineRecord) => void, opts: ReadOptions = {}): void {
  const ids = new Map<string, number>();
  let bundle: { hash: string; line: number } | null = null;
  try {
    eachLine(path, ({ text, line, terminated }) => {
      if (text.trim() === "") return;
      const where = `${path}:${line}`;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (err) {
        throw new RecordError(
          terminated
            ? `${where}: not valid JSON (${(err as Error).message})`
            : `${where}: the last line is cut short (an interrupted run?); finish it with \`rulers judge --resume\``,
        );
      }
      const record = parseRecord(raw, where);
      if (!opts.duplicates) {
        const first = ids.get(record.item_id);
        if (first !== undefined)
          throw new RecordError(
            `${path}:${line}: item \`${record.item_id}\` appears twice (first on line ${first}); one record per item`,
          );
        ids.set(record.item_id, line);
      }
      if (!opts.mixedBundles) {
        if (bundle === null) bundle = { hash: record.bundle.hash, line };
        else if (record.bundle.hash !== bundle.hash)
          throw new RecordError(
            `${path}:${line}: judged with bundle ${record.bundle.hash}, but line ${bundle.line} with ${bundle.hash}; a run holds one bundle`,
          );
      }
      each({ line, record, raw: raw as Record<string, unknown> });
      return true;
    });
  } catch (err) {
    const code = errnoOf(err);
    if (code) throw new RecordError(`cannot read run \`${path}\` (${code})`);
    throw err;
  }
}

/** A whole run in memory (for commands that need every record at once). */
export function readRecords(path: string, opts: ReadOptions = {}): LineRecord[] {
  const out: LineRecord[] = [];
  eachRecord(path, (r) => out.push(r), opts);
  return out;
}

/**
 * Why an item failed, with the item-specific details taken out (names in backticks, numbers),
 * so failures group by kind: "row N: missing input `…`" for every row that lacks an input.
 */
export function failureReason(error: string): string {
  const reason = error
    .replace(/^row \d+: /, "")
    .replace(/`[^`]*`/g, "`…`")
    .replace(/\d+(\.\d+)?/g, "N");
  return reason.length > 100 ? `${reason.slice(0, 99)}…` : reason;
}

/** Failed records of a run, counted per reason. */
export class FailureTally {
  readonly byReason = new Map<string, number>();
  readonly ids = new Set<string>();
  total = 0;

  add(r: RunRecord): void {
    this.total++;
    this.ids.add(r.item_id);
    const reason = failureReason(r.error ?? (r.raw_score === null ? "no score" : "unusable"));
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
  }

  /** "3 failed items left out: 2 × the judge refused: …; 1 × …", or "" when none failed. */
  describe(): string {
    if (this.total === 0) return "";
    const parts = [...this.byReason].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return `${this.total} failed item${this.total === 1 ? "" : "s"} left out: ${parts.map(([r, n]) => `${n} × ${r}`).join("; ")}`;
  }
}
