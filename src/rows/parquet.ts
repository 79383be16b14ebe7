/**
 * Parquet through hyparquet (pure JS), in slices of rows within each row group, so memory
 * follows the slice and the largest page, never the row group or the file. Rows are numbered from 1 in file order. Columns become JSON
 * values: strings, numbers (64-bit integers beyond 2^53 as decimal strings), booleans, dates
 * and timestamps as ISO 8601 text, lists and structs as arrays and objects. A column whose
 * values have no JSON form (raw bytes, intervals) is left out, and refused when a row field
 * needs it.
 */
import { open } from "node:fs/promises";
import type { FileMetaData, SchemaTree } from "hyparquet";
import { RowsError } from "./errors.js";
import { pagedRowGroup } from "./parquet-pages.js";
import type { Reader, RowLine } from "./reader.js";

const MAGIC = "PAR1";

/** Why a column cannot be read as JSON, or null when it can. */
function unsupported(node: SchemaTree): string | null {
  const e = node.element;
  if (node.children.length) {
    for (const c of node.children) {
      const why = unsupported(c);
      if (why) return why;
    }
    return null;
  }
  const logical = e.logical_type?.type;
  if (logical === "INTERVAL" || e.converted_type === "INTERVAL") return "an interval";
  if (e.type === "BYTE_ARRAY" || e.type === "FIXED_LEN_BYTE_ARRAY") {
    const annotated =
      logical !== undefined ||
      ["UTF8", "JSON", "ENUM", "DECIMAL", "BSON"].includes(e.converted_type ?? "") ||
      (e.type === "FIXED_LEN_BYTE_ARRAY" && e.converted_type === "DECIMAL");
    if (!annotated) return "raw bytes (binary without a string or JSON annotation)";
  }
  return null;
}

function isStringLeaf(node: SchemaTree): boolean {
  const e = node.element;
  return (
    node.children.length === 0 &&
    e.type === "BYTE_ARRAY" &&
    (e.logical_type?.type === "STRING" ||
      e.logical_type?.type === "ENUM" ||
      e.converted_type === "UTF8" ||
      e.converted_type === "ENUM")
  );
}

/** A decoded Parquet value as plain JSON. */
export function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map(jsonValue);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, jsonValue);
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = jsonValue(x);
    return out;
  }
  return v;
}

/** Refuses, before any row, a file that is not Parquet or not whole. */
async function checkMagic(path: string): Promise<number> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    if (size >= 4) {
      await fh.read(head, 0, 4, 0);
      await fh.read(tail, 0, 4, size - 4);
    }
    if (head.toString("latin1") !== MAGIC)
      throw new RowsError(`\`${path}\` is not a Parquet file: it does not start with \`${MAGIC}\``);
    if (size < 12 || tail.toString("latin1") !== MAGIC)
      throw new RowsError(
        `\`${path}\` is not a whole Parquet file: it does not end with \`${MAGIC}\`, so it was cut short (truncated) and its footer is lost`,
      );
    return size;
  } finally {
    await fh.close();
  }
}

/**
 * Rows decoded at once inside a row group: a slice located through the offset index when the
 * group has one, else a batch of the pages read one after another (parquet-pages.ts). Either
 * way a writer's million-row group is never held whole.
 */
export const SLICE_ROWS = 16_384;

export async function openParquet(
  path: string,
  sliceRows = SLICE_ROWS,
): Promise<Reader & { readonly skipped: ReadonlyMap<string, string> }> {
  await checkMagic(path);
  // Loaded here, not at the top: the package root is bundled (scripts/bundle-dist.mjs)
  // and a static import would load the Parquet reader for every caller of the library.
  const [{ asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema }, { compressors }] =
    await Promise.all([import("hyparquet"), import("hyparquet-compressors")]);
  const file = await asyncBufferFromFile(path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new RowsError(`\`${path}\`: the Parquet footer cannot be read (${(err as Error).message})`);
  }
  const tree = parquetSchema(metadata);
  const columns: string[] = [];
  const skipped = new Map<string, string>();
  const text = new Set<string>();
  for (const c of tree.children) {
    const name = c.element.name;
    const why = unsupported(c);
    if (why) skipped.set(name, why);
    else columns.push(name);
    if (isStringLeaf(c)) text.add(name);
  }
  const total = Number(metadata.num_rows);
  async function* rows(): AsyncGenerator<RowLine> {
    let start = 0;
    const fh = await open(path, "r");
    try {
      for (const [g, group] of metadata.row_groups.entries()) {
        const n = Number(group.num_rows);
        const indexed = group.columns.every((c) => c.offset_index_offset !== undefined && c.offset_index_length);
        let done = 0;
        let failure: string | null = null;
        const fail = (err: unknown) =>
          `row group ${g + 1} (rows ${start + 1}–${start + n}) cannot be read: ${(err as Error).message}`;
        if (columns.length === 0) done = n;
        else if (indexed) {
          const step = Math.max(1, sliceRows);
          for (let from = 0; from < n; from += step) {
            const to = Math.min(n, from + step);
            let objects: Record<string, unknown>[];
            try {
              objects = await parquetReadObjects({
                file,
                metadata,
                rowStart: start + from,
                rowEnd: start + to,
                columns,
                compressors,
                useOffsetIndex: true,
              });
            } catch (err) {
              failure = fail(err);
              break;
            }
            for (let i = from; i < to; i++) yield row(start + i + 1, objects[i - from] ?? {});
            done = to;
          }
        } else {
          // No offset index: the group's pages are read one after another (parquet-pages.ts).
          const batches = pagedRowGroup(fh, metadata, tree, group, columns, compressors, sliceRows);
          for (;;) {
            let next: IteratorResult<Record<string, unknown>[]>;
            try {
              next = await batches.next();
            } catch (err) {
              failure = fail(err);
              break;
            }
            if (next.done) break;
            for (const raw of next.value) yield row(start + ++done, raw);
          }
        }
        for (let line = start + done + 1; line <= start + n; line++)
          yield failure ? { line, message: failure } : row(line, {});
        start += n;
      }
    } finally {
      await fh.close();
    }
  }
  const row = (line: number, raw: Record<string, unknown>): RowLine => {
    const value: Record<string, unknown> = {};
    for (const name of columns) value[name] = jsonValue(raw[name]);
    return { line, value };
  };
  const iterator = rows();
  return {
    columns,
    textColumns: text,
    rows: iterator,
    count: (limit) => (limit === undefined ? total : Math.min(limit, total)),
    // Ends the generator, whose `finally` closes the file it reads pages from.
    close: async () => {
      await iterator.return(undefined);
    },
    skipped,
  };
}
