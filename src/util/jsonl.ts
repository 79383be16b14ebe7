/**
 * JSON Lines reading that never loses track of where a row came from: every row and every
 * problem carries its 1-based line number, so bad data is reported as `file:line`.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync } from "node:fs";
import { createInterface } from "node:readline";

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

/** Stream a JSONL file row by row, for inputs too large to hold at once. */
export async function* streamJsonl(path: string): AsyncGenerator<JsonlRow | (JsonlProblem & { value?: undefined })> {
  const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    const trimmed = text.trim();
    if (trimmed === "") continue;
    try {
      yield { line, value: JSON.parse(trimmed) };
    } catch (err) {
      yield { line, message: `not valid JSON (${(err as Error).message})` };
    }
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
