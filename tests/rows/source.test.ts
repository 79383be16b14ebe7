import { readFileSync } from "node:fs";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { readBundle } from "../../src/bundle/file.js";
import { decodeCell, formatOf, openRows, type RowLine } from "../../src/rows/index.js";
import { allRows as all } from "../helpers/rows.js";
import { tempDir } from "../helpers/temp.js";

const FIX = "tests/fixtures/rows";
const HEALTH = readBundle("bundles/health.answer-quality/1.0.0/bundle.json");
const { file } = tempDir("rulers-rows-");
const values = (rows: RowLine[]) => rows.map((r) => r.value as Record<string, unknown>);

describe("formats", () => {
  it("chooses the reader by extension, by --input-format, and refuses an unknown format", () => {
    expect(formatOf("a.CSV")).toBe("csv");
    expect(formatOf("a.tab")).toBe("tsv");
    expect(formatOf("a.pq")).toBe("parquet");
    expect(formatOf("rows.txt")).toBe("jsonl");
    expect(formatOf("rows.txt", "csv")).toBe("csv");
    expect(() => formatOf("a.csv", "xlsx")).toThrow("input format `xlsx` is not one of jsonl, csv, tsv, parquet");
  });

  it("reads the same rows from CSV (with BOM and CRLF), TSV and Parquet", async () => {
    const csv = await all(`${FIX}/health.csv`);
    const tsv = await all(`${FIX}/health.tsv`);
    const pq = await all(`${FIX}/health.parquet`);
    const pick = (rows: RowLine[]) =>
      values(rows).map(({ id, conversation, response }) => ({ id, conversation, response }));
    expect(pick(csv)).toEqual(pick(pq));
    expect(pick(tsv)).toEqual(pick(pq));
    expect(pick(csv).map((r) => r.id)).toEqual(["h1", "h2", "h3", "h4", "h5"]);
    // The BOM is not part of the first column's name; quoted commas, quotes and newlines survive.
    expect(Object.keys(values(csv)[0]!)).toEqual(["id", "conversation", "response", "source"]);
    expect(values(csv)[1]!.source).toBe("clinic, triage desk");
    expect(values(csv)[1]!.conversation).toBe('user: my child has a fever of 39.5, is that "high"?');
    expect(values(csv)[1]!.response).toContain("child.\nGive fluids");
  });

  it("numbers CSV rows by the line each record starts on, Parquet rows from 1", async () => {
    // h2's response spans two lines, so h3 starts on line 5.
    expect((await all(`${FIX}/health.csv`)).map((r) => r.line)).toEqual([2, 3, 5, 6, 7]);
    expect((await all(`${FIX}/health.parquet`)).map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    const src = await openRows(`${FIX}/health.parquet`);
    expect(src.place(3)).toBe(`${FIX}/health.parquet row 3`);
    expect(src.count()).toBe(5);
    expect((await openRows(`${FIX}/health.csv`)).place(5)).toBe(`${FIX}/health.csv:5`);
  });

  it("turns Parquet's typed columns into JSON values, across row groups", async () => {
    const rows = values(await all(`${FIX}/health.parquet`));
    expect(rows[1]).toMatchObject({
      turns: 1,
      score: 5,
      weight: 1.25,
      urgent: true,
      tags: ["fever", "child"],
      meta: { source: "clinic, triage desk", turns: 1 },
    });
    expect(rows[2]!.tags).toEqual([]);
    expect(rows[4]).toMatchObject({ score: 2, urgent: false, turns: 3 });
  });

  it("keeps 64-bit integers past 2^53 exact as decimal strings, timestamps as ISO text", async () => {
    const p = file(
      "big.parquet",
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: "id", data: [9007199254740993n, 7n], type: "INT64" },
            { name: "at", data: [new Date("2026-01-02T03:04:05.000Z"), new Date(0)], type: "TIMESTAMP" },
            { name: "nothing", data: [null, "x"], type: "STRING" },
          ],
        }),
      ),
    );
    expect(values(await all(p))).toEqual([
      { id: "9007199254740993", at: "2026-01-02T03:04:05.000Z", nothing: null },
      { id: 7, at: "1970-01-01T00:00:00.000Z", nothing: "x" },
    ]);
  });

  it("reads a header-only CSV as no rows, and skips blank lines", async () => {
    expect(await all(file("h.csv", "id,response\n"))).toEqual([]);
    expect(await all(file("b.csv", "id,response\n\n1,a\n\n2,b\n"))).toEqual([
      { line: 3, value: { id: "1", response: "a" } },
      { line: 5, value: { id: "2", response: "b" } },
    ]);
  });

  it("treats an empty id cell as no id, so the row is known by its line", async () => {
    expect(values(await all(file("id.csv", "id,response\n,a\n")))).toEqual([{ response: "a" }]);
  });
});

describe("--map", () => {
  const renamed = () => file("renamed.csv", "qid,question,answer,extra\nq1,what?,this.,x\n");

  it("renames columns onto the bundle's fields and keeps the others", async () => {
    const rows = await all(renamed(), {
      bundle: HEALTH,
      map: ["conversation=question", "response=answer", "id=qid"],
    });
    expect(rows).toEqual([{ line: 2, value: { id: "q1", conversation: "what?", response: "this.", extra: "x" } }]);
    // The object form, as the library takes it.
    const obj = await all(renamed(), { map: { response: "answer" } });
    expect(obj[0]!.value).toEqual({ qid: "q1", question: "what?", response: "this.", extra: "x" });
  });

  it("refuses a mapped column the file does not have, listing its columns", async () => {
    await expect(openRows(renamed(), { map: ["response=answr"] })).rejects.toThrow(
      /`--map response=answr`: `.*renamed\.csv` has no column `answr`; its columns are `qid`, `question`, `answer`, `extra`; did you mean `answer`\?/,
    );
    await expect(openRows(`${FIX}/health.parquet`, { map: ["response=reply"] })).rejects.toThrow(
      "has no column `reply`; its columns are `id`, `conversation`, `response`, `turns`",
    );
  });

  it("refuses, when opened, a file with no column for an input the bundle needs", async () => {
    await expect(openRows(renamed(), { bundle: HEALTH, map: ["response=answer"] })).rejects.toThrow(
      /has no column for input `conversation`; its columns are `qid`, `question`, `answer`, `extra`; name one `conversation` or add --map conversation=COLUMN/,
    );
  });

  it("rejects malformed and doubled maps", async () => {
    await expect(openRows(renamed(), { map: ["response"] })).rejects.toThrow("`--map response` must be field=column");
    await expect(openRows(renamed(), { map: ["response=a", "response=b"] })).rejects.toThrow(
      "`response` is mapped twice (from `a` and `b`)",
    );
  });

  it("in JSONL (no header), makes a row without the mapped column that row's failure", async () => {
    const p = file("m.jsonl", '{"id":"a","answer":"x"}\n{"id":"b"}\n');
    expect(await all(p, { map: ["response=answer"] })).toEqual([
      { line: 1, value: { id: "a", response: "x" } },
      { line: 2, message: "has no `answer` (mapped onto `response` by --map response=answer)" },
    ]);
  });
});

describe("cells by kind", () => {
  it("leaves text as it is and decodes JSON only for a field that asks for it", async () => {
    expect(decodeCell("text", '["a"]')).toBe('["a"]');
    expect(decodeCell("json", '["a"]')).toEqual(["a"]);
    const p = file("k.csv", 'id,response,criteria\n1,"[1, 2]","[{""text"": ""mentions rest""}]"\n2,"{}","[not json"\n');
    const rows = await all(p, { fields: [{ name: "criteria", kind: "json", role: "per-item criteria" }] });
    expect(rows[0]).toEqual({ line: 2, value: { id: "1", response: "[1, 2]", criteria: [{ text: "mentions rest" }] } });
    expect(rows[1]!.line).toBe(3);
    expect(rows[1]!.message).toMatch(/^per-item criteria `criteria` is not valid JSON/);
  });
});

describe("Parquet slices", () => {
  it("reads a row group in slices through its offset index, with the same rows as whole", async () => {
    const { openParquet } = await import("../../src/rows/parquet.js");
    const p = file(
      "slices.parquet",
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: "id", data: Array.from({ length: 50 }, (_, i) => `r${i}`), type: "STRING" },
            { name: "n", data: Array.from({ length: 50 }, (_, i) => i), type: "INT32" },
          ],
          rowGroupSize: 20,
          pageSize: 64, // many small pages, so a slice starts and ends inside groups and pages
        }),
      ),
    );
    const read = async (slice: number) => {
      const out: RowLine[] = [];
      for await (const r of (await openParquet(p, slice)).rows) out.push(r);
      return out;
    };
    const whole = await read(1_000_000);
    expect(whole.map((r) => (r.value as { n: number }).n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await read(7)).toEqual(whole);
    expect(await read(1)).toEqual(whole);
  });
});

describe("Parquet row groups without an offset index", () => {
  // 500 rows in groups of 300 and 200, pages of ~64 bytes and no offset index: the reader must
  // walk each column chunk page by page, and lists must carry on across page boundaries.
  const N = 500;
  const expected = Array.from({ length: N }, (_, i) => ({
    id: `r${i}`,
    n: i,
    big: i % 3 === 0 ? null : BigInt(i) * 1_000_000_007n,
    label: ["low", "mid", "high"][i % 3]!, // few distinct values: dictionary pages
    tags: Array.from({ length: i % 5 }, (_, k) => `t${i}-${k}`),
    meta: { source: `s${i % 7}`, turns: i % 11 },
  }));
  const write = (offsetIndex: boolean) =>
    file(
      `paged-${offsetIndex}.parquet`,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: "id", data: expected.map((r) => r.id), type: "STRING", offsetIndex },
            { name: "n", data: expected.map((r) => r.n), type: "INT32", offsetIndex },
            { name: "big", data: expected.map((r) => r.big), type: "INT64", offsetIndex },
            { name: "label", data: expected.map((r) => r.label), type: "STRING", offsetIndex },
            { name: "tags", data: expected.map((r) => r.tags), offsetIndex },
            { name: "meta", data: expected.map((r) => r.meta), offsetIndex },
          ],
          rowGroupSize: [300, 200],
          pageSize: 64,
        }),
      ),
    );
  const json = expected.map((r, i) => ({
    line: i + 1,
    value: { ...r, big: r.big === null ? null : Number.isSafeInteger(Number(r.big)) ? Number(r.big) : String(r.big) },
  }));

  it("reads every row, in order, whatever the batch size", async () => {
    const { openParquet } = await import("../../src/rows/parquet.js");
    const p = write(false);
    const { parquetMetadata } = await import("hyparquet");
    const { readFileSync } = await import("node:fs");
    const buf = readFileSync(p);
    const meta = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    // The premise: several pages per chunk and no offset index anywhere.
    expect(meta.row_groups.flatMap((g) => g.columns).every((c) => c.offset_index_offset === undefined)).toBe(true);
    for (const batch of [1, 7, 64, 1_000_000]) {
      const out: RowLine[] = [];
      for await (const r of (await openParquet(p, batch)).rows) out.push(r);
      expect(out).toEqual(json);
    }
  });

  it("gives the same rows as the same file with an offset index", async () => {
    expect(await all(write(false))).toEqual(await all(write(true)));
  });

  it("names the rows left when a page breaks mid-group, keeping the rows before it", async () => {
    const { openParquet } = await import("../../src/rows/parquet.js");
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          {
            name: "response",
            data: Array.from({ length: 40 }, (_, i) => `answer ${i}`),
            type: "STRING",
            offsetIndex: false,
          },
        ],
        rowGroupSize: 40,
        pageSize: 64,
        codec: "UNCOMPRESSED",
        statistics: false,
      }),
    );
    // Break a page header far into the chunk: the third occurrence of "answer 2" is in a later page.
    const text = Buffer.from(bytes).toString("latin1");
    const at = text.indexOf("answer 30");
    expect(at).toBeGreaterThan(0);
    bytes.fill(0xff, at - 24, at - 4);
    const p = file("broken-page.parquet", bytes);
    const out: RowLine[] = [];
    for await (const r of (await openParquet(p, 4)).rows) out.push(r);
    expect(out).toHaveLength(40);
    const good = out.filter((r) => r.value !== undefined);
    expect(good.length).toBeGreaterThan(8);
    expect(good.map((r) => (r.value as { response: string }).response)).toEqual(
      Array.from({ length: good.length }, (_, i) => `answer ${i}`),
    );
    const bad = out.slice(good.length);
    expect(bad.map((r) => r.line)).toEqual(Array.from({ length: 40 - good.length }, (_, i) => good.length + i + 1));
    expect(bad[0]!.message).toMatch(/^row group 1 \(rows 1–40\) cannot be read: /);
  });
});

describe("Parquet, stopped early", () => {
  // Which files this process holds open, from /proc (Linux, where the project runs its tests).
  const openFiles = async (): Promise<string[]> => {
    const { readdirSync, readlinkSync } = await import("node:fs");
    return readdirSync("/proc/self/fd").flatMap((fd) => {
      try {
        return [readlinkSync(`/proc/self/fd/${fd}`)];
      } catch {
        return [];
      }
    });
  };

  it.runIf(process.platform === "linux")("closes the file when the reader is closed mid-file", async () => {
    const p = file("stop.parquet", readFileSync(`${FIX}/health.parquet`));
    const src = await openRows(p);
    const it = src[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ line: 1 });
    expect((await openFiles()).filter((f) => f === p).length).toBeGreaterThan(0);
    await src.close();
    // hyparquet's own handle closes on its own after each read; the page reader's must close too.
    await new Promise((r) => setTimeout(r, 50));
    expect((await openFiles()).filter((f) => f === p)).toEqual([]);
  });
});
