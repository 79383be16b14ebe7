/**
 * CSV and TSV through csv-parse, streamed: a header row names the columns, quoted fields may
 * hold delimiters and newlines, a BOM is dropped. Each row carries the line its record starts
 * on, so a problem reads as `rows.csv:12`. A ragged row or a bad quote is that row's problem,
 * not the file's; the header is checked before any row is read.
 */
import { createReadStream } from "node:fs";
import type { CsvError, InfoRecord, Options } from "csv-parse";
import { countRows } from "../util/jsonl.js";
import { RowsError } from "./errors.js";
import type { Reader, RowLine } from "./reader.js";

interface Parsed {
  readonly start: number;
  readonly cells: string[];
  /** A line with nothing on it, skipped as in JSONL (a quoted empty field is not blank). */
  readonly blank: boolean;
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

/**
 * Lines a record spans: one, plus the line breaks inside its quoted fields. (csv-parse's raw text
 * holds all, part or none of the record's own line break, so that is never counted.)
 */
function linesOf(raw: string | undefined): number {
  let n = 1;
  if (!raw) return n;
  const end = raw.endsWith("\n") ? raw.length - 1 : raw.length;
  for (let i = raw.indexOf("\n"); i !== -1 && i < end; i = raw.indexOf("\n", i + 1)) n++;
  return n;
}

export async function openDelimited(path: string, delimiter: "," | "\t"): Promise<Reader> {
  // Loaded here: the bundled package root would otherwise load csv-parse for every caller.
  const { parse } = await import("csv-parse");
  // Lines are counted on the raw text of each record, as an editor counts them (csv-parse's own
  // count also counts a carriage return inside a quoted field).
  let seen = 0;
  // Skipped records are reported by csv-parse beside the stream; merged back in by line.
  const skipped: RowLine[] = [];
  const file = createReadStream(path);
  const options: Options<Parsed, string[]> = {
    bom: true,
    delimiter,
    // Fixed, not guessed from the first line break: a stray carriage return stays text.
    record_delimiter: ["\r\n", "\n"],
    raw: true,
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_record: (record: unknown, ctx: InfoRecord): Parsed => {
      const raw = (ctx as InfoRecord & { raw?: string }).raw ?? "";
      const cells = Array.isArray(record) ? (record as string[]) : (record as { record: string[] }).record;
      const parsed = { start: seen + 1, cells, blank: raw.length <= 3 && raw.replace(/[\r\n\uFEFF]/g, "") === "" };
      seen += linesOf(raw);
      return parsed;
    },
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      if (!err) return undefined;
      skipped.push({ line: seen + 1, message: describe(err) });
      seen += linesOf(raw);
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
    do first = await it.next();
    while (!first.done && first.value.blank);
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
  // A header csv-parse had to skip leaves a problem before the first record it kept.
  if (skipped.length && skipped[0]!.line < first.value.start) {
    await close();
    throw new RowsError(`\`${path}\`:${skipped[0]!.line}: the header row cannot be read: ${skipped[0]!.message}`);
  }
  const header = first.value.cells.map((c) => c.trim());
  const where = `\`${path}\`:${first.value.start}`;
  for (const [i, name] of header.entries()) {
    const j = header.indexOf(name);
    const why =
      name === ""
        ? `column ${i + 1} of the header has no name`
        : j !== i
          ? `the header names \`${name}\` twice (columns ${j + 1} and ${i + 1})`
          : null;
    if (why) {
      await close();
      throw new RowsError(`${where}: ${why}`);
    }
  }
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
          throw new RowsError(`cannot read \`${path}\` after line ${seen}: ${(err as Error).message}`);
        }
        if (next.done) break;
        const { start, cells } = next.value;
        while (skipped.length && skipped[0]!.line < start) yield skipped.shift()!;
        if (next.value.blank) continue;
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
