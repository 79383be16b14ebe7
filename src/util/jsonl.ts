/**
 * JSON Lines reading that never loses track of where a row came from: every row and every
 * problem carries its 1-based line number, so bad data is reported as `file:line`.
 */
import { createReadStream, readFileSync } from "node:fs";
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
