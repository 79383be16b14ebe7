/**
 * A JSONL file held as one buffer with the byte range of each line: the review app parses
 * every line once to learn its id and summary, then parses a line again only when its item is
 * shown. A 100,000-item run stays one buffer, not 100,000 object graphs.
 */
import { readFileSync } from "node:fs";

export interface IndexedLine {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export class LineFile {
  readonly lines: IndexedLine[] = [];
  private constructor(
    readonly path: string,
    private readonly buf: Buffer,
  ) {}

  static read(path: string): LineFile {
    const f = new LineFile(path, readFileSync(path));
    const b = f.buf;
    let start = 0;
    let line = 0;
    while (start < b.length) {
      let end = b.indexOf(10, start);
      if (end < 0) end = b.length;
      line++;
      // skip blank lines (only whitespace)
      let s = start;
      while (s < end && (b[s] === 32 || b[s] === 9 || b[s] === 13)) s++;
      if (s < end) f.lines.push({ line, start, end });
      start = end + 1;
    }
    return f;
  }

  text(l: IndexedLine): string {
    return this.buf.toString("utf8", l.start, l.end);
  }

  /** The parsed line; a line that is not JSON throws an error naming `file:line`. */
  parse(l: IndexedLine): unknown {
    try {
      return JSON.parse(this.text(l));
    } catch (err) {
      throw new Error(`${this.path}:${l.line}: not valid JSON (${(err as Error).message})`);
    }
  }
}
