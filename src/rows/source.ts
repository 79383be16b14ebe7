/**
 * The one way rows are read: JSONL, CSV, TSV or Parquet (by extension or `format`), streamed
 * row by row, with `--map` renames applied, structured cells decoded by the kind of field they
 * feed, and every problem tied to its row number. A file that cannot give the bundle what it
 * needs (a mapped column or a needed field absent from its header) is refused when it is
 * opened, before any judge call.
 */
import { existsSync, statSync } from "node:fs";
import type { Bundle } from "../bundle/types.js";
import { suggest } from "../util/suggest.js";
import { CellError, decodeCell } from "./decode.js";
import { RowsError } from "./errors.js";
import { type NeededField, neededFields } from "./fields.js";
import { formatOf, type RowFormat } from "./format.js";
import { openJsonl } from "./jsonl.js";
import { applyColumnMap, type ColumnMap, checkMappedColumns, listColumns, parseColumnMap } from "./map.js";
import type { Reader, RowLine } from "./reader.js";

export interface OpenRowsOptions {
  /** `jsonl`, `csv`, `tsv` or `parquet`; default: by the file's extension (else JSONL). */
  readonly format?: RowFormat | string;
  /** Row fields taken from columns of other names: `["response=answer"]` or `{ response: "answer" }`. */
  readonly map?: readonly string[] | Readonly<Record<string, string>>;
  /** The bundle the rows are for: the fields it needs are checked against the header and decoded by kind. */
  readonly bundle?: Bundle;
  /** The fields needed, when there is no bundle (or besides its own). */
  readonly fields?: readonly NeededField[];
}

/** The rows of one file, read once, in order; see `openRows`. */
export class RowSource implements AsyncIterable<RowLine> {
  private used = false;
  /** @internal Made by `openRows`. */
  constructor(
    readonly path: string,
    readonly format: RowFormat,
    private readonly reader: Reader,
    private readonly map: ColumnMap,
    private readonly fields: readonly NeededField[],
    /** Things worth a word that do not stop the run (columns left out). */
    readonly notes: readonly string[],
  ) {}

  /** The file's columns (header or schema), or null for JSONL. */
  get columns(): readonly string[] | null {
    return this.reader.columns;
  }

  /** Where row `line` is, for messages: `rows.csv:12` (a line) or `rows.parquet row 12`. */
  place(line: number): string {
    return this.format === "parquet" ? `${this.path} row ${line}` : `${this.path}:${line}`;
  }

  /** Rows in the file, up to `limit` (for CSV and JSONL an upper bound: lines, not records). */
  count(limit?: number): number {
    return this.reader.count(limit);
  }

  /** Stops reading and releases the file (iteration does this itself when it ends). */
  close(): Promise<void> {
    return this.reader.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<RowLine> {
    if (this.used) throw new RowsError(`the rows of \`${this.path}\` are read once; open the file again`);
    this.used = true;
    return this.lines();
  }

  private async *lines(): AsyncGenerator<RowLine> {
    const text = this.reader.textColumns;
    // Fields whose text cells are decoded (a structured kind fed from a text column).
    const decoded =
      text === null
        ? []
        : this.fields.filter((f) => {
            if (f.kind === "text") return false;
            const column = this.map.get(f.name) ?? f.name;
            return text === "all" || text.has(column);
          });
    for await (const r of this.reader.rows) {
      if (r.value === undefined || r.value === null || typeof r.value !== "object" || Array.isArray(r.value)) {
        yield r;
        continue;
      }
      const mapped = applyColumnMap(r.value as Record<string, unknown>, this.map);
      if ("missing" in mapped) {
        yield {
          line: r.line,
          message: `has no \`${mapped.missing}\` (mapped onto \`${mapped.field}\` by --map ${mapped.field}=${mapped.missing})`,
        };
        continue;
      }
      const row = mapped.row;
      let problem: string | null = null;
      for (const f of decoded) {
        const cell = row[f.name];
        if (typeof cell !== "string") continue;
        try {
          row[f.name] = decodeCell(f.kind, cell);
        } catch (err) {
          if (!(err instanceof CellError)) throw err;
          problem = `${f.role} \`${f.name}\` ${err.message}`;
          break;
        }
      }
      if (problem) {
        yield { line: r.line, message: problem };
        continue;
      }
      // An empty id cell means no id: the row is known by its number, as a JSONL row without one.
      if (text !== null && row.id === "") delete row.id;
      yield { line: r.line, value: row };
    }
  }
}

function checkNeeded(
  path: string,
  columns: readonly string[],
  map: ColumnMap,
  fields: readonly NeededField[],
  skipped: ReadonlyMap<string, string>,
): void {
  const moved = new Set(map.values());
  for (const f of fields) {
    const column = map.get(f.name) ?? f.name;
    if (skipped.has(column))
      throw new RowsError(
        `\`${path}\`: column \`${column}\` (${f.role} \`${f.name}\`) holds ${skipped.get(column)}, which has no JSON form; store it as a string`,
      );
    if (map.has(f.name)) continue;
    if (columns.includes(f.name) && !moved.has(f.name)) continue;
    const free = columns.filter((c) => !moved.has(c));
    throw new RowsError(
      `\`${path}\` has no column for ${f.role} \`${f.name}\`; its columns are ${listColumns(columns)}; name one \`${f.name}\` or add --map ${f.name}=COLUMN${suggest(f.name, free)}`,
    );
  }
}

/**
 * Open a rows file for reading. Refuses a missing file, an unknown format, an unreadable
 * header or footer, and — when the format has a header — a mapped column or a needed field
 * the file does not have. Problems with single rows come with the rows.
 */
export async function openRows(path: string, options: OpenRowsOptions = {}): Promise<RowSource> {
  const format = formatOf(path, options.format);
  const map = parseColumnMap(options.map);
  if (!existsSync(path) || !statSync(path).isFile()) throw new RowsError(`cannot read \`${path}\`: no such file`);
  const fields = [...(options.bundle ? neededFields(options.bundle) : []), ...(options.fields ?? [])];
  let reader: Reader;
  const notes: string[] = [];
  let skipped: ReadonlyMap<string, string> = new Map();
  if (format === "jsonl") reader = openJsonl(path);
  else if (format === "parquet") {
    // Each reader (and its library) is loaded only for a file that needs it: start-up stays small.
    const { openParquet } = await import("./parquet.js");
    const p = await openParquet(path);
    skipped = p.skipped;
    for (const [name, why] of p.skipped)
      if (!fields.some((f) => (map.get(f.name) ?? f.name) === name) && ![...map.values()].includes(name))
        notes.push(`\`${path}\`: column \`${name}\` holds ${why} and is left out of the rows`);
    reader = p;
  } else {
    const { openDelimited } = await import("./csv.js");
    reader = await openDelimited(path, format === "csv" ? "," : "\t");
  }
  if (reader.columns) {
    try {
      const all = [...reader.columns, ...skipped.keys()];
      for (const [field, column] of map)
        if (skipped.has(column))
          throw new RowsError(
            `\`--map ${field}=${column}\`: column \`${column}\` of \`${path}\` holds ${skipped.get(column)}, which has no JSON form; store it as a string`,
          );
      checkMappedColumns(map, all, path);
      checkNeeded(path, reader.columns, map, fields, skipped);
    } catch (err) {
      await reader.close();
      throw err;
    }
  }
  return new RowSource(path, format, reader, map, fields, notes);
}
