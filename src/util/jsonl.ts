/**
 * JSON Lines reading that never loses track of where a row came from: every row and every
 * problem carries its 1-based line number, so bad data is reported as `file:line`.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { open } from "node:fs/promises";

export interface JsonlRow {
  readonly line: number;
  readonly value: unknown;
}

export interface JsonlProblem {
  readonly line: number;
  readonly message: string;
}

export interface JsonlResult {
  readonly rows: JsonlRow[];
  readonly problems: JsonlProblem[];
}

function parseLine(text: string, line: number, rows: JsonlRow[], problems: JsonlProblem[]): void {
  const trimmed = text.trim();
  if (trimmed === "") return;
  try {
    rows.push({ line, value: JSON.parse(trimmed) });
  } catch (err) {
    problems.push({ line, message: `not valid JSON (${(err as Error).message})` });
  }
}

/** Parse JSONL text; blank lines are skipped, bad lines reported and skipped. */
export function parseJsonl(text: string): JsonlResult {
  const rows: JsonlRow[] = [];
  const problems: JsonlProblem[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    line++;
    parseLine(text.slice(start, end), line, rows, problems);
    start = end + 1;
  }
  return { rows, problems };
}

/** Read a whole JSONL file (for files that fit in memory). */
export function readJsonl(path: string): JsonlResult {
  return parseJsonl(readFileSync(path, "utf8"));
}

/** The longest line a stream will decode; a longer one is reported and skipped, never held. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/**
 * Stream a JSONL file row by row, for inputs too large to hold at once: the file is read in
 * 1 MB chunks only as rows are asked for, so a consumer that stops early (`--limit`) never reads
 * the rest, and a line too long to decode is reported by number instead of exhausting memory.
 */
export async function* streamJsonl(path: string): AsyncGenerator<JsonlRow | (JsonlProblem & { value?: undefined })> {
  const file = await open(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(LINE_CHUNK);
    let carry: Buffer[] = [];
    let carried = 0;
    let oversized = false;
    let line = 0;
    const finish = (piece: Buffer): JsonlRow | (JsonlProblem & { value?: undefined }) | null => {
      line++;
      if (oversized) {
        oversized = false;
        return { line, message: `longer than ${MAX_LINE_BYTES / 1024 / 1024} MB; the row is skipped` };
      }
      const text = (carry.length ? Buffer.concat([...carry, piece]) : piece).toString("utf8").trim();
      carry = [];
      carried = 0;
      if (text === "") return null;
      try {
        return { line, value: JSON.parse(text) };
      } catch (err) {
        return { line, message: `not valid JSON (${(err as Error).message})` };
      }
    };
    for (;;) {
      const { bytesRead: n } = await file.read(chunk, 0, LINE_CHUNK, null);
      if (n === 0) break;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl === -1 || nl >= n) break;
        const r = finish(chunk.subarray(start, nl));
        start = nl + 1;
        if (r) yield r;
      }
      if (start < n && !oversized) {
        carried += n - start;
        if (carried > MAX_LINE_BYTES) {
          oversized = true;
          carry = [];
          carried = 0;
        } else carry.push(Buffer.from(chunk.subarray(start, n)));
      }
    }
    if (carry.length || oversized) {
      const r = finish(Buffer.alloc(0));
      if (r) yield r;
    }
  } finally {
    await file.close();
  }
}

/** A row's item id: its `id` field (string or number), else its line number. */
export function rowId(value: unknown, line: number): string {
  const id = value !== null && typeof value === "object" ? (value as Record<string, unknown>).id : undefined;
  return typeof id === "string" || typeof id === "number" ? String(id) : String(line);
}

/** One line of a file read by `eachLine`: its text, 1-based number, and whether a newline ended it. */
export interface Line {
  readonly text: string;
  readonly line: number;
  readonly terminated: boolean;
}

const LINE_CHUNK = 1 << 20;

/**
 * Every line of a file, read in 1 MB chunks: the file may be larger than the longest JS string
 * (512 MB) and is never held whole. Stops early when `each` returns false.
 */
export function eachLine(path: string, each: (l: Line) => boolean | undefined): void {
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(LINE_CHUNK);
    let carry: Buffer[] = [];
    let line = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, LINE_CHUNK, null);
      if (n === 0) break;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl === -1 || nl >= n) break;
        const piece = chunk.subarray(start, nl);
        const text = carry.length ? Buffer.concat([...carry, piece]).toString("utf8") : piece.toString("utf8");
        carry = [];
        start = nl + 1;
        if (each({ text, line: ++line, terminated: true }) === false) return;
      }
      if (start < n) carry.push(Buffer.from(chunk.subarray(start, n)));
    }
    if (carry.length) each({ text: Buffer.concat(carry).toString("utf8"), line: ++line, terminated: false });
  } finally {
    closeSync(fd);
  }
}

/**
 * Lines of a file that are not empty, counted on bytes without decoding (a line of spaces
 * counts, so this is an upper bound for progress totals); stops at `limit`.
 */
export function countRows(path: string, limit?: number): number {
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(LINE_CHUNK);
    let n = 0;
    let open = false; // the current line has bytes
    for (;;) {
      const got = readSync(fd, chunk, 0, LINE_CHUNK, null);
      if (got === 0) break;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl === -1 || nl >= got) break;
        if (open || nl > start) n++;
        open = false;
        start = nl + 1;
        if (limit !== undefined && n >= limit) return n;
      }
      if (start < got) open = true;
    }
    return open ? n + 1 : n;
  } finally {
    closeSync(fd);
  }
}
