/**
 * Batch output files can hold millions of answers in any order. Rather than load them, we
 * index each line's byte range by `custom_id` (found with a cheap scan, not a full parse) and
 * read an answer only when the row that asked for it is ingested.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { parseBatchLine, type BatchResult } from "./batch.js";

interface Location {
  readonly file: number;
  readonly offset: number;
  readonly length: number;
}

const CUSTOM_ID = /"custom_id"\s*:\s*"((?:[^"\\]|\\.)*)"/;

export class ResultIndex {
  private readonly fds: number[] = [];
  private readonly where = new Map<string, Location>();
  readonly problems: string[] = [];

  constructor(private readonly files: readonly string[]) {
    files.forEach((f, i) => this.scan(f, i));
  }

  get size(): number {
    return this.where.size;
  }

  private scan(path: string, file: number): void {
    const fd = openSync(path, "r");
    this.fds.push(fd);
    const buf = Buffer.allocUnsafe(1 << 22);
    let carry = Buffer.alloc(0);
    let base = 0; // file offset of carry[0]
    let line = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, base + carry.length);
      const data = n > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : carry;
      let start = 0;
      for (;;) {
        const nl = data.indexOf(10, start);
        if (nl === -1 && n > 0) break;
        const end = nl === -1 ? data.length : nl;
        if (end > start) {
          line++;
          const head = data.toString("utf8", start, Math.min(end, start + 4096));
          const m = CUSTOM_ID.exec(head);
          if (!m) this.problems.push(`${path}:${line}: no \`custom_id\`; skipped`);
          else this.where.set(JSON.parse(`"${m[1]}"`) as string, { file, offset: base + start, length: end - start });
        } else if (nl !== -1) line++;
        if (nl === -1) break;
        start = nl + 1;
      }
      if (n <= 0) break;
      base += start;
      carry = Buffer.from(data.subarray(start));
    }
  }

  get(customId: string): BatchResult | undefined {
    const at = this.where.get(customId);
    if (!at) return undefined;
    const buf = Buffer.allocUnsafe(at.length);
    readSync(this.fds[at.file]!, buf, 0, at.length, at.offset);
    let value: unknown;
    try {
      value = JSON.parse(buf.toString("utf8"));
    } catch (err) {
      return { custom_id: customId, completion: null, error: `the result line is not valid JSON (${(err as Error).message})` };
    }
    const r = parseBatchLine(value);
    return typeof r === "string" ? { custom_id: customId, completion: null, error: r } : r;
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}
