/**
 * The flags every command that reads rows shares (`--input-format`, `--map`), and opening the
 * rows with them; what they mean lives in src/rows.
 */
import type { Bundle } from "../bundle/types.js";
import { openRows, type RowSource, RowsError } from "../rows/index.js";
import { CliError, writeErr } from "./io.js";

export const ROW_OPTIONS = {
  "input-format": { type: "string" },
  map: { type: "string", multiple: true },
} as const;

export const ROW_HELP = `  --input-format F     jsonl, csv, tsv or parquet (default: by the file's extension, else jsonl)
  --map FIELD=COLUMN   take row field FIELD (an input, \`id\`) from column COLUMN (repeatable)`;

/** Opens `path` with the row flags; anything that stops the file being read is a usage error. */
export async function openInput(
  path: string,
  values: { readonly "input-format"?: string | undefined; readonly map?: string[] | undefined },
  bundle?: Bundle,
): Promise<RowSource> {
  try {
    const source = await openRows(path, {
      ...(values["input-format"] !== undefined ? { format: values["input-format"] } : {}),
      ...(values.map ? { map: values.map } : {}),
      ...(bundle ? { bundle } : {}),
    });
    for (const n of source.notes) writeErr(`note: ${n}`);
    return source;
  } catch (err) {
    if (err instanceof RowsError) throw new CliError(err.message);
    throw err;
  }
}
