/** Property tests for the CSV/TSV reader: any table written by RFC 4180 rules reads back as written. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { openRows, type RowLine, RowsError } from "../../src/rows/index.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-rows-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function read(body: string, ext: "csv" | "tsv"): Promise<RowLine[]> {
  const p = join(dir, `${++n}.${ext}`);
  writeFileSync(p, body);
  const out: RowLine[] = [];
  for await (const r of await openRows(p)) out.push(r);
  return out;
}

const quote = (v: string, d: string) =>
  v.includes(d) || /["\r\n]/.test(v) || v === "" ? `"${v.replaceAll('"', '""')}"` : v;
const cell = fc.string({
  unit: fc.constantFrom("a", "b", " ", ",", "\t", '"', "\n", "\r\n", "é", "😀", "x"),
  maxLength: 12,
});

describe("CSV and TSV round trip", () => {
  for (const [ext, d] of [
    ["csv", ","],
    ["tsv", "\t"],
  ] as const) {
    it(`reads back every ${ext.toUpperCase()} table it is given, with each record's first line`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc
            .integer({ min: 1, max: 4 })
            .chain((w) =>
              fc.tuple(fc.constant(w), fc.array(fc.array(cell, { minLength: w, maxLength: w }), { maxLength: 6 })),
            ),
          fc.boolean(),
          async ([width, rows], crlf) => {
            const eol = crlf ? "\r\n" : "\n";
            const header = Array.from({ length: width }, (_, i) => `c${i}`);
            const lines = [header.join(d), ...rows.map((r) => r.map((v) => quote(v, d)).join(d))];
            const got = await read(`${lines.join(eol)}${eol}`, ext);
            let line = 2;
            const want = rows.map((r, i) => {
              const start = line;
              line += lines[i + 1]!.split("\n").length - 1 + 1;
              return { line: start, value: Object.fromEntries(header.map((h, j) => [h, r[j]])) };
            });
            expect(got).toEqual(want);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it("never throws on arbitrary text: a file is refused with a RowsError or its rows come back numbered", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", "\t", "\uFEFF", "é", " "), maxLength: 40 }),
        async (body) => {
          let rows: RowLine[];
          try {
            rows = await read(body, "csv");
          } catch (err) {
            expect(err).toBeInstanceOf(RowsError);
            return;
          }
          const numbers = rows.map((r) => r.line);
          expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
          for (const r of rows) expect(r.line).toBeGreaterThanOrEqual(2);
        },
      ),
      { numRuns: 300 },
    );
  });
});
