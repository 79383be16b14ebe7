/** Rows files that are broken: each refused, or its bad rows named, by line or row number. */
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { openRows } from "../../src/rows/index.js";
import { allRows as all } from "../helpers/rows.js";
import { tempDir } from "../helpers/temp.js";

const FIX = "tests/fixtures/rows";
const { dir, file } = tempDir("rulers-rows-hostile-");

describe("hostile CSV and TSV", () => {
  it("names a ragged row by its line and reads the rows around it", async () => {
    const rows = await all(file("r.csv", "id,response\n1,a\n2,b,extra\n3\n4,d\n"));
    expect(rows).toEqual([
      { line: 2, value: { id: "1", response: "a" } },
      { line: 3, message: "has 3 fields, the header has 2" },
      { line: 4, message: "has 1 field, the header has 2" },
      { line: 5, value: { id: "4", response: "d" } },
    ]);
  });

  it("names a quote that is never closed by the line its record starts on", async () => {
    const rows = await all(file("q.csv", 'id,response\n1,a\n2,"open\n3,c\n4,d\n'));
    expect(rows[0]).toEqual({ line: 2, value: { id: "1", response: "a" } });
    expect(rows[1]).toEqual({
      line: 3,
      message: "a quoted field is never closed (the quote runs to the end of the file)",
    });
    expect(rows).toHaveLength(2);
  });

  it("names text after a closing quote by its line", async () => {
    const rows = await all(file("c.csv", 'id,response\n1,a\n2,"b"x\n'));
    expect(rows[0]!.value).toEqual({ id: "1", response: "a" });
    expect(rows[1]).toMatchObject({
      line: 3,
      message: expect.stringMatching(/^a closing quote is followed by more text/),
    });
  });

  it("refuses a header that names a column twice or leaves one unnamed", async () => {
    await expect(openRows(file("d.csv", "id,response,id\n1,a,b\n"))).rejects.toThrow(
      /d\.csv`:1: the header names `id` twice \(columns 1 and 3\)/,
    );
    await expect(openRows(file("u.tsv", "id\t\tresponse\n"))).rejects.toThrow("column 2 of the header has no name");
  });

  it("refuses an empty file and a missing one", async () => {
    await expect(openRows(file("e.csv", ""))).rejects.toThrow(/is empty: a CSV file needs a header row/);
    await expect(openRows(file("e.tsv", "\uFEFF"))).rejects.toThrow(/is empty: a TSV file needs a header row/);
    await expect(openRows(join(dir, "nope.csv"))).rejects.toThrow("no such file");
  });
});

describe("hostile Parquet", () => {
  it("refuses a truncated file before reading any row", async () => {
    const p = join(dir, "cut.parquet");
    copyFileSync(`${FIX}/health.parquet`, p);
    truncateSync(p, readFileSync(p).length - 40);
    await expect(openRows(p)).rejects.toThrow(
      /cut\.parquet` is not a whole Parquet file: it does not end with `PAR1`, so it was cut short \(truncated\)/,
    );
  });

  it("refuses a file that is not Parquet at all", async () => {
    await expect(openRows(file("csv.parquet", "id,response\n1,a\n"))).rejects.toThrow(
      /csv\.parquet` is not a Parquet file: it does not start with `PAR1`/,
    );
    await expect(openRows(file("tiny.parquet", "PAR"))).rejects.toThrow("is not a Parquet file");
  });

  it("refuses a file whose footer is garbage between the magic markers", async () => {
    const junk = Buffer.concat([
      Buffer.from("PAR1"),
      Buffer.alloc(64, 7),
      Buffer.from([8, 0, 0, 0]),
      Buffer.from("PAR1"),
    ]);
    await expect(openRows(file("junk.parquet", junk))).rejects.toThrow(
      /junk\.parquet`: the Parquet footer cannot be read/,
    );
  });

  it("names the rows of a row group whose pages are damaged, and reads the other groups", async () => {
    const p = join(dir, "damaged.parquet");
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [{ name: "response", data: ["a", "b", "c", "d"], type: "STRING" }],
        rowGroupSize: 2,
        codec: "UNCOMPRESSED",
        statistics: false,
      }),
    );
    // Overwrite the first group's page header (just after the leading PAR1) with junk.
    bytes.fill(0xff, 4, 20);
    writeFileSync(p, bytes);
    const rows = await all(p);
    expect(
      rows.slice(0, 2).map((r) => [r.line, r.message?.startsWith("row group 1 (rows 1–2) cannot be read")]),
    ).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(rows.slice(2)).toEqual([
      { line: 3, value: { response: "c" } },
      { line: 4, value: { response: "d" } },
    ]);
  });

  it("leaves out a column of raw bytes with a note, and refuses it when a field needs it", async () => {
    const p = file(
      "bytes.parquet",
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            { name: "response", data: ["a"], type: "STRING" },
            { name: "blob", data: [new Uint8Array([1, 2, 3])], type: "BYTE_ARRAY" },
          ],
        }),
      ),
    );
    const src = await openRows(p);
    expect(src.notes).toEqual([expect.stringMatching(/column `blob` holds raw bytes .* and is left out of the rows/)]);
    expect(src.columns).toEqual(["response"]);
    await expect(openRows(p, { map: ["image=blob"] })).rejects.toThrow(
      /`--map image=blob`: column `blob` of `.*` holds raw bytes/,
    );
    await expect(openRows(p, { fields: [{ name: "blob", kind: "text", role: "input" }] })).rejects.toThrow(
      /column `blob` \(input `blob`\) holds raw bytes/,
    );
  });
});
