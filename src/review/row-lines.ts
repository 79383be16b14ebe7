/**
 * Rows that are not plain JSONL (CSV, TSV, Parquet, or JSONL read with `--map`), read once
 * through the row source `rulers judge` reads, and handed to the run index as lines. Nothing
 * in such a file can be found again by byte offset, so each readable row is kept as its JSON
 * text, numbered by the row number the run knows it by: memory follows the rows' text, not a
 * copy on disk. A row that cannot be read is named by its number and left out; if the run
 * judged it, the index then says which items have no row.
 */
import type { RowSource } from "../rows/index.js";
import type { IndexedLine, LineSource } from "./line-index.js";

/** Rows handed to the index per step, so a step stays short while requests wait. */
const STEP_ROWS = 500;
/** Warnings about single rows past this many are counted, not printed. */
const MAX_WARNINGS = 20;

export class RowLines implements LineSource {
  private next = 0;
  private handed = 0;

  private constructor(
    readonly path: string,
    private readonly texts: readonly string[],
    private readonly numbers: readonly number[],
    readonly size: number,
  ) {}

  /** Reads every row of `source`; `warn` hears about the rows that cannot be read. */
  static async read(source: RowSource, warn: (message: string) => void): Promise<RowLines> {
    const texts: string[] = [];
    const numbers: number[] = [];
    let size = 0;
    let bad = 0;
    for await (const r of source) {
      if (r.message !== undefined) {
        if (++bad <= MAX_WARNINGS) warn(`${source.place(r.line)}: ${r.message}; the row is left out`);
        continue;
      }
      const text = JSON.stringify(r.value);
      texts.push(text);
      numbers.push(r.line);
      size += text.length;
    }
    if (bad > MAX_WARNINGS) warn(`${bad - MAX_WARNINGS} more rows of \`${source.path}\` cannot be read`);
    return new RowLines(source.path, texts, numbers, size);
  }

  get scanned(): number {
    return this.handed;
  }

  get done(): boolean {
    return this.next >= this.texts.length;
  }

  step(onLine: (text: string, l: IndexedLine) => void): void {
    const end = Math.min(this.texts.length, this.next + STEP_ROWS);
    for (; this.next < end; this.next++) {
      const text = this.texts[this.next]!;
      this.handed += text.length;
      onLine(text, { line: this.numbers[this.next]!, start: this.next, end: this.next + 1 });
    }
  }

  parse(l: IndexedLine): unknown {
    return JSON.parse(this.texts[l.start]!);
  }

  close(): void {}
}
