/**
 * Batch output files can hold millions of answers in any order. Rather than load them, we
 * index each line's byte range by `custom_id` (found with a cheap scan, not a full parse) and
 * read an answer only when the row that asked for it is ingested.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { type BatchResult, parseBatchLine, parseCustomId } from "./batch.js";

const CUSTOM_ID = /"custom_id"\s*:\s*"((?:[^"\\]|\\.)*)"/;
/** Bytes read at once while answers are asked for in file order. */
const READ_WINDOW = 1 << 20;

export class ResultIndex {
  private readonly fds: number[] = [];
  // custom_id → slot; the slot's file, offset and length live in typed arrays, so a million
  // results cost a map of small integers rather than a million small objects.
  private readonly where = new Map<string, number>();
  private file = new Uint16Array(1024);
  private offset = new Float64Array(1024);
  private length = new Uint32Array(1024);
  readonly problems: string[] = [];

  constructor(files: readonly string[]) {
    for (const [i, f] of files.entries()) this.scan(f, i);
  }

  get size(): number {
    return this.where.size;
  }

  /** The models the requests named (from their custom ids), sorted: what a run was judged with. */
  models(): string[] {
    const models = new Set<string>();
    for (const id of this.where.keys()) {
      const parsed = parseCustomId(id);
      if (parsed) models.add(parsed.model);
    }
    return [...models].sort();
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
          else this.add(JSON.parse(`"${m[1]}"`) as string, file, base + start, end - start);
        } else if (nl !== -1) line++;
        if (nl === -1) break;
        start = nl + 1;
      }
      if (n <= 0) break;
      base += start;
      carry = Buffer.from(data.subarray(start));
    }
  }

  // What was read last from each file: results usually come back in the order the requests
  // went out, which is the order rows ask for them, so once a read follows on from the one
  // before, a window of the file is read at once instead of one system call per answer. Out of
  // order, each answer is read alone, as before.
  private window: { file: number; start: number; data: Buffer } | null = null;
  private lastEnd = new Map<number, number>();

  private read(file: number, offset: number, length: number): string {
    const w = this.window;
    if (w !== null && w.file === file && offset >= w.start && offset + length <= w.start + w.data.length) {
      this.lastEnd.set(file, offset + length);
      return w.data.toString("utf8", offset - w.start, offset - w.start + length);
    }
    const gap = offset - (this.lastEnd.get(file) ?? -10);
    this.lastEnd.set(file, offset + length);
    const size = gap >= 0 && gap <= 2 ? Math.max(length, READ_WINDOW) : length;
    const data = Buffer.allocUnsafe(size);
    const n = readSync(this.fds[file]!, data, 0, size, offset);
    if (size > length) this.window = { file, start: offset, data: data.subarray(0, n) };
    return data.toString("utf8", 0, Math.min(n, length));
  }

  private add(id: string, file: number, offset: number, length: number): void {
    const slot = this.where.get(id) ?? this.where.size;
    if (slot >= this.offset.length) {
      const file2 = new Uint16Array(this.file.length * 2);
      file2.set(this.file);
      const offset2 = new Float64Array(this.offset.length * 2);
      offset2.set(this.offset);
      const length2 = new Uint32Array(this.length.length * 2);
      length2.set(this.length);
      [this.file, this.offset, this.length] = [file2, offset2, length2];
    }
    this.file[slot] = file;
    this.offset[slot] = offset;
    this.length[slot] = length;
    this.where.set(id, slot);
  }

  get(customId: string): BatchResult | undefined {
    const slot = this.where.get(customId);
    if (slot === undefined) return undefined;
    const text = this.read(this.file[slot]!, this.offset[slot]!, this.length[slot]!);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return {
        custom_id: customId,
        completion: null,
        error: `the result line is not valid JSON (${(err as Error).message})`,
      };
    }
    const r = parseBatchLine(value);
    return typeof r === "string" ? { custom_id: customId, completion: null, error: r } : r;
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}
