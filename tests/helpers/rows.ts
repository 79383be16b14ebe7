import { openRows, type RowLine } from "../../src/rows/index.js";

/** Every row of a rows file (CSV, TSV, Parquet, JSONL), read through the row source. */
export async function allRows(path: string, opts: Parameters<typeof openRows>[1] = {}): Promise<RowLine[]> {
  const out: RowLine[] = [];
  for await (const r of await openRows(path, opts)) out.push(r);
  return out;
}
