/** What each format's reader hands the row source: rows by number, before mapping and decoding. */

/** A row read whole (`value`), or a row that could not be read (`message`), by 1-based number. */
export type RowLine =
  | { readonly line: number; readonly value: unknown; readonly message?: undefined }
  | { readonly line: number; readonly message: string; readonly value?: undefined };

export interface Reader {
  /** Column names when the format has a header or schema; null for JSONL. */
  readonly columns: readonly string[] | null;
  /** Cells of these columns are text to decode by kind (CSV, TSV; Parquet string columns). */
  readonly textColumns: ReadonlySet<string> | "all" | null;
  readonly rows: AsyncIterable<RowLine>;
  /** Rows in the file (an upper bound for CSV and JSONL), stopping at `limit`. */
  count(limit?: number): number;
  /** Releases the file when iteration stops early. */
  close(): Promise<void>;
}
