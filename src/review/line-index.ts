/**
 * A JSONL file indexed by the byte range of each line, read once in fixed-size chunks: the
 * review app learns every item's id and summary in one pass, keeps only offsets, and reads a
 * line again (a positional read) only when its item is shown. Memory stays flat whatever the
 * size of the run; nothing holds the whole file.
 */
import { closeSync, openSync, readSync } from "node:fs";

export interface IndexedLine {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

const CHUNK = 4 << 20;

export class LineFile {
  readonly lines: IndexedLine[] = [];
  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  /** Indexes the file, handing each non-blank line's text to `onLine` as it goes. */
  static scan(path: string, onLine: (text: string, l: IndexedLine) => void): LineFile {
    const f = new LineFile(path, openSync(path, "r"));
    try {
      let buf = Buffer.allocUnsafe(CHUNK);
      let have = 0; // bytes in buf
      let base = 0; // file offset of buf[0]
      let line = 0;
      let eof = false;
      while (!eof || have > 0) {
        if (!eof) {
          if (have === buf.length) {
            const bigger = Buffer.allocUnsafe(buf.length * 2); // a line longer than the chunk
            buf.copy(bigger, 0, 0, have);
            buf = bigger;
          }
          const n = readSync(f.fd, buf, have, buf.length - have, base + have);
          if (n === 0) eof = true;
          have += n;
        }
        let at = 0;
        for (;;) {
          let nl = buf.indexOf(10, at);
          if (nl < 0 || nl >= have) {
            if (!eof) break;
            if (at >= have) break;
            nl = have; // last line without a newline
          }
          line++;
          let s = at;
          while (s < nl && (buf[s] === 32 || buf[s] === 9 || buf[s] === 13)) s++;
          if (s < nl) {
            const l = { line, start: base + at, end: base + nl };
            f.lines.push(l);
            onLine(buf.toString("utf8", at, nl), l);
          }
          at = nl + 1;
        }
        if (eof) break;
        // keep the partial last line at the front of the buffer
        buf.copy(buf, 0, at, have);
        base += at;
        have -= at;
      }
    } catch (err) {
      f.close();
      throw err;
    }
    return f;
  }

  text(l: IndexedLine): string {
    const b = Buffer.allocUnsafe(l.end - l.start);
    let got = 0;
    while (got < b.length) {
      const n = readSync(this.fd, b, got, b.length - got, l.start + got);
      if (n === 0) throw new Error(`${this.path}:${l.line}: the file changed while it was being reviewed`);
      got += n;
    }
    return b.toString("utf8");
  }

  /** The parsed line; a line that is not JSON throws an error naming `file:line`. */
  parse(l: IndexedLine, text = this.text(l)): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new Error(`${this.path}:${l.line}: not valid JSON (${(err as Error).message})`);
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
