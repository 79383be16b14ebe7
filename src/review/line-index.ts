/**
 * A JSONL file indexed by the byte range of each line, read in fixed-size chunks: the review
 * app learns every item's id and summary in one pass, keeps only offsets, and reads a line again
 * (a positional read) only when its item is shown. Memory stays flat whatever the size of the
 * run; nothing holds the whole file. The pass goes one chunk per `step`, so a caller can index a
 * large run between answering requests instead of before the first one.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface IndexedLine {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

/** What the run index reads a file through: lines handed out a chunk per step, read again by range. */
export interface LineSource {
  readonly path: string;
  /** Bytes (or characters) in all, and handed out so far, for progress. */
  readonly size: number;
  readonly scanned: number;
  readonly done: boolean;
  step(onLine: (text: string, l: IndexedLine) => void): void;
  parse(l: IndexedLine): unknown;
  close(): void;
}

// Small enough that one step (about 130 run records parsed) keeps a waiting request waiting
// only a few milliseconds.
const CHUNK = 256 << 10;

export class LineFile implements LineSource {
  /** The file's size when it was opened. */
  readonly size: number;
  private buf = Buffer.allocUnsafe(CHUNK);
  private have = 0; // bytes in buf
  private base = 0; // file offset of buf[0]
  private lineNo = 0;
  private eof = false;

  private constructor(
    readonly path: string,
    private fd: number,
  ) {
    this.size = fstatSync(fd).size;
  }

  static open(path: string): LineFile {
    return new LineFile(path, openSync(path, "r"));
  }

  /** Indexes the whole file, handing each non-blank line's text to `onLine` as it goes. */
  static scan(path: string, onLine: (text: string, l: IndexedLine) => void): LineFile {
    const f = LineFile.open(path);
    try {
      while (!f.done) f.step(onLine);
    } catch (err) {
      f.close();
      throw err;
    }
    return f;
  }

  /** True once every line has been handed out. */
  get done(): boolean {
    return this.eof && this.have === 0;
  }

  /** Bytes read and indexed so far. */
  get scanned(): number {
    return this.base;
  }

  /**
   * Reads one chunk and hands each complete non-blank line in it to `onLine`. If `onLine`
   * throws, the file is left mid-chunk: the caller treats that as the end of the pass.
   */
  step(onLine: (text: string, l: IndexedLine) => void): void {
    if (this.done) return;
    if (this.have === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2); // a line longer than the chunk
      this.buf.copy(bigger, 0, 0, this.have);
      this.buf = bigger;
    }
    const n = readSync(this.fd, this.buf, this.have, this.buf.length - this.have, this.base + this.have);
    if (n === 0) this.eof = true;
    this.have += n;
    const { buf, have, eof, base } = this;
    let at = 0;
    for (;;) {
      let nl = buf.indexOf(10, at);
      if (nl < 0 || nl >= have) {
        if (!eof || at >= have) break;
        nl = have; // last line without a newline
      }
      this.lineNo++;
      let s = at;
      while (s < nl && (buf[s] === 32 || buf[s] === 9 || buf[s] === 13)) s++;
      if (s < nl) onLine(buf.toString("utf8", at, nl), { line: this.lineNo, start: base + at, end: base + nl });
      at = nl + 1;
    }
    if (eof) {
      this.base += this.have;
      this.have = 0;
      return;
    }
    // keep the partial last line at the front of the buffer
    buf.copy(buf, 0, at, have);
    this.base += at;
    this.have -= at;
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
