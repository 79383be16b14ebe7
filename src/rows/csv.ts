/**
 * CSV and TSV through csv-parse, streamed: a header row names the columns, quoted fields may
 * hold delimiters and newlines, a BOM is dropped. Each row carries the line its record starts
 * on, so a problem reads as `rows.csv:12`. A ragged row or a bad quote is that row's problem,
 * not the file's; the header is checked before any row is read.
 */
import { createReadStream } from "node:fs";
import { type CsvError, type InfoRecord, type Options, parse } from "csv-parse";
import { countRows } from "../util/jsonl.js";
import { RowsError } from "./errors.js";
import type { Reader, RowLine } from "./reader.js";

interface Parsed {
  readonly start: number;
  readonly cells: string[];
}

const QUOTE_PROBLEMS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is never closed (the quote runs to the end of the file)",
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by more text; double a quote inside a quoted field ("")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: "a closing quote is followed by more text",
  CSV_MAX_RECORD_SIZE: "the record is too large",
};

/** The longest record read; a longer one is that row's problem (a lost quote swallows the file). */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

function describe(err: CsvError): string {
  return QUOTE_PROBLEMS[err.code] ?? err.message.replace(/ at line \d+.*$/, "").toLowerCase();
}

export async function openDelimited(path: string, delimiter: "," | "\t"): Promise<Reader> {
  let lastEnd = 0;
  // Skipped records are reported by csv-parse beside the stream; merged back in by line.
  const skipped: RowLine[] = [];
  const file = createReadStream(path);
  const options: Options<Parsed, string[]> = {
    bom: true,
    delimiter,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_record: (cells: string[], ctx: InfoRecord): Parsed => {
      const parsed = { start: lastEnd + 1, cells };
      lastEnd = ctx.lines;
      return parsed;
    },
    on_skip: (err: CsvError | undefined) => {
      if (!err) return undefined;
      skipped.push({ line: lastEnd + 1, message: describe(err) });
      lastEnd = (err as CsvError & { lines?: number }).lines ?? lastEnd + 1;
      return undefined;
    },
  };
  // The typings only accept a typed on_record together with `columns`; the options are right as given.
  const parser = parse(options as unknown as Options);
  file.on("error", (err) => parser.destroy(err));
  file.pipe(parser);
  const it: AsyncIterator<Parsed> = parser[Symbol.asyncIterator]();
  const close = async () => {
    file.destroy();
    parser.destroy();
  };
  let first: IteratorResult<Parsed>;
  try {
    first = await it.next();
  } catch (err) {
    await close();
    throw new RowsError(`cannot read \`${path}\`: ${(err as Error).message}`);
  }
  if (first.done) {
    await close();
    throw new RowsError(
      skipped.length
        ? `\`${path}\`:${skipped[0]!.line}: the header row cannot be read: ${skipped[0]!.message}`
        : `\`${path}\` is empty: a ${delimiter === "," ? "CSV" : "TSV"} file needs a header row naming its columns`,
    );
  }
  const header = first.value.cells.map((c) => c.trim());
  const where = `\`${path}\`:${first.value.start}`;
  header.forEach((name, i) => {
    if (name === "") throw new RowsError(`${where}: column ${i + 1} of the header has no name`);
    const j = header.indexOf(name);
    if (j !== i) throw new RowsError(`${where}: the header names \`${name}\` twice (columns ${j + 1} and ${i + 1})`);
  });
  const width = header.length;
  async function* rows(): AsyncGenerator<RowLine> {
    try {
      for (;;) {
        let next: IteratorResult<Parsed>;
        try {
          next = await it.next();
        } catch (err) {
          // A read error ends the file: what was read stands, the rest is reported as lost.
          while (skipped.length) yield skipped.shift()!;
          throw new RowsError(`cannot read \`${path}\` after line ${lastEnd}: ${(err as Error).message}`);
        }
        if (next.done) break;
        const { start, cells } = next.value;
        while (skipped.length && skipped[0]!.line < start) yield skipped.shift()!;
        if (cells.length === 1 && cells[0] === "") continue; // a blank line, skipped as in JSONL
        if (cells.length !== width) {
          yield {
            line: start,
            message: `has ${cells.length} field${cells.length === 1 ? "" : "s"}, the header has ${width}`,
          };
          continue;
        }
        const value: Record<string, string> = {};
        for (let i = 0; i < width; i++) value[header[i]!] = cells[i]!;
        yield { line: start, value };
      }
      while (skipped.length) yield skipped.shift()!;
    } finally {
      await close();
    }
  }
  return {
    columns: header,
    textColumns: "all",
    rows: rows(),
    // Lines bound records from above (a quoted newline makes one record of two lines).
    count: (limit) => Math.max(0, countRows(path, limit === undefined ? undefined : limit + 1) - 1),
    close,
  };
}
