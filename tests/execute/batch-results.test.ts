/**
 * The index of batch output files (src/execute/batch-results.ts): an answer is the same however
 * the rows ask for them — in file order (read through a window of the file), backwards, or
 * shuffled (read one by one) — including lines that straddle the window's end, CRLF line ends,
 * multi-byte text and several files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ResultIndex } from "../../src/execute/batch-results.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-results-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An OpenAI batch output line whose answer is `content`. */
const line = (id: string, content: string) =>
  JSON.stringify({
    id: `b-${id}`,
    custom_id: id,
    response: { status_code: 200, body: { model: "m", choices: [{ message: { content }, finish_reason: "stop" }] } },
    error: null,
  });

/** Lines of varied length (some several kB, some with “curly” quotes and emoji), so lines straddle 1 MB boundaries. */
function answers(n: number, seed: number): Map<string, string> {
  const out = new Map<string, string>();
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.set(`rulers:item-${seed}-${i}:m:s0:AB`, `answer ${i} “quoted” 🙂 ${"é".repeat(x % 3000)}`);
  }
  return out;
}

function write(name: string, a: Map<string, string>, eol: string): string {
  const path = join(dir, name);
  writeFileSync(path, [...a].map(([id, c]) => line(id, c)).join(eol) + eol);
  return path;
}

/** A fixed shuffle (Fisher–Yates with a small LCG). */
function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  let x = 42;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function contentOf(index: ResultIndex, id: string): string | null | undefined {
  const r = index.get(id);
  return r === undefined ? undefined : (r.completion?.content ?? null);
}

describe("batch result index", () => {
  const a = answers(1500, 7);
  const b = answers(700, 11);
  const files = [write("a.jsonl", a, "\n"), write("b.jsonl", b, "\r\n")];
  const all = new Map([...a, ...b]);
  const ids = [...all.keys()];

  it("gives every answer in file order, across read windows and files", () => {
    const index = new ResultIndex(files);
    try {
      expect(index.size).toBe(all.size);
      for (const id of ids) expect(contentOf(index, id)).toBe(all.get(id));
    } finally {
      index.close();
    }
  });

  it("gives the same answers backwards, shuffled and interleaved across files", () => {
    const orders = [
      [...ids].reverse(),
      shuffled(ids),
      ids.flatMap((id, i) => (i < b.size ? [ids[i]!, ids[a.size + i]!] : i < a.size ? [id] : [])),
    ];
    for (const order of orders) {
      const index = new ResultIndex(files);
      try {
        for (const id of order) expect(contentOf(index, id)).toBe(all.get(id));
      } finally {
        index.close();
      }
    }
  });

  it("answers an id it does not hold with nothing, and a damaged line with its error", () => {
    const path = join(dir, "damaged.jsonl");
    writeFileSync(path, `${line("rulers:x:m:s0:AB", "fine")}\n{"custom_id":"rulers:y:m:s0:AB", broken\n`);
    const index = new ResultIndex([path]);
    try {
      expect(index.get("rulers:none:m:s0:AB")).toBeUndefined();
      expect(contentOf(index, "rulers:x:m:s0:AB")).toBe("fine");
      expect(index.get("rulers:y:m:s0:AB")?.error).toMatch(/not valid JSON/);
    } finally {
      index.close();
    }
  });
});
