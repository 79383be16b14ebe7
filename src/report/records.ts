/**
 * Reading run records for the report and the review app: the one place that knows the run
 * file's shape, so the typed run-record schema can replace it without touching the rest.
 */
import { readJsonl } from "../util/jsonl.js";

export type RunRecordLike = Record<string, unknown> & { item_id: string };

export class RunFileError extends Error {}

export function readRunRecords(path: string): RunRecordLike[] {
  const { rows, problems } = readJsonl(path);
  if (problems.length) throw new RunFileError(`${path}:${problems[0]!.line}: ${problems[0]!.message}`);
  return rows.map((r) => {
    const v = r.value as RunRecordLike | null;
    if (!v || typeof v !== "object" || (typeof v.item_id !== "string" && typeof v.item_id !== "number"))
      throw new RunFileError(`${path}:${r.line}: not a run record (no \`item_id\`)`);
    return typeof v.item_id === "string" ? v : { ...v, item_id: String(v.item_id) };
  });
}
