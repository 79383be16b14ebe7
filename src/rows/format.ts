/**
 * Which reader a rows file needs: chosen by its extension, or named outright (`--input-format`)
 * for a file whose name does not say. A name without a known extension is read as JSONL, as
 * every rows file was before the other formats existed.
 */
import { extname } from "node:path";
import { RowsError } from "./errors.js";

export const ROW_FORMATS = ["jsonl", "csv", "tsv", "parquet"] as const;
export type RowFormat = (typeof ROW_FORMATS)[number];

const BY_EXTENSION: Readonly<Record<string, RowFormat>> = {
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".csv": "csv",
  ".tsv": "tsv",
  ".tab": "tsv",
  ".parquet": "parquet",
  ".pq": "parquet",
};

export function isRowFormat(name: string): name is RowFormat {
  return (ROW_FORMATS as readonly string[]).includes(name);
}

/** The format of `path`: `explicit` when given (checked), else by extension, else JSONL. */
export function formatOf(path: string, explicit?: string): RowFormat {
  if (explicit !== undefined) {
    if (!isRowFormat(explicit))
      throw new RowsError(`input format \`${explicit}\` is not one of ${ROW_FORMATS.join(", ")}`, "usage");
    return explicit;
  }
  return BY_EXTENSION[extname(path).toLowerCase()] ?? "jsonl";
}
