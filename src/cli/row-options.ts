/**
 * The flags every command that reads rows shares (`--input-format`, `--map`), and opening the
 * rows with them; what they mean lives in src/rows.
 */
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bundle } from "../bundle/types.js";
import { openRows, type RowSource, RowsError } from "../rows/index.js";
import { rowId } from "../util/jsonl.js";
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

/**
 * The rows as a temporary JSONL file, for a reader that indexes JSONL by offset (review): each
 * row keeps the id it was judged under (its number when it has no `id`), so the run still joins.
 * Rows that cannot be read are left out with a warning. `dispose` removes the file.
 */
export async function rowsAsJsonl(
  path: string,
  values: { readonly "input-format"?: string | undefined; readonly map?: string[] | undefined },
): Promise<{ path: string; dispose: () => void }> {
  const source = await openInput(path, values);
  const dir = mkdtempSync(join(tmpdir(), "rulers-rows-"));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  const out = join(dir, "rows.jsonl");
  const stream = createWriteStream(out);
  let bad = 0;
  try {
    for await (const r of source) {
      if (r.message !== undefined) {
        if (++bad <= 20) writeErr(`warning: ${source.place(r.line)}: ${r.message}; the row is left out`);
        continue;
      }
      const v = r.value as Record<string, unknown>;
      const line = `${JSON.stringify({ ...v, id: rowId(v, r.line) })}\n`;
      if (!stream.write(line)) await once(stream, "drain");
    }
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    stream.destroy();
    dispose();
    throw err;
  }
  return { path: out, dispose };
}
