/**
 * Rows files (issue 20): reading 100,000 and 1,000,000 rows of Parquet, CSV and (for reference)
 * JSONL through the row source `rulers judge --input` uses, each in its own process. Reports
 * rows/s, CPU time and peak RSS: memory must stay flat from 100,000 to 1,000,000 rows. The
 * files are generated in a temporary folder, never in the repository. Parquet twice: in row
 * groups of 100,000 rows with offset indexes, as hyparquet-writer, DuckDB and Spark write them
 * (each group read in slices through its offset index), and as one row group without an offset
 * index (`parquet-1g`, as older writers leave a file; read page by page, src/rows/parquet-pages.ts).
 * Run: npm run bench rows          (sizes: ROWS_SIZES=100000 npm run bench rows)
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileWriter, ParquetWriter } from "hyparquet-writer";

const sizes = (process.env.ROWS_SIZES ?? "100000,1000000").split(",").map(Number);
const GROUP = 100_000;
const CAP_MB = 64;
const dir = mkdtempSync(join(tmpdir(), "rulers-rows-bench-"));
const WORDS =
  "the patient should rest drink water and see a doctor if the fever lasts more than three days or breathing becomes hard".split(
    " ",
  );
const response = (i: number) =>
  `${i}: ${Array.from({ length: 40 }, (_, w) => WORDS[(i * 7 + w * 13) % WORDS.length]).join(" ")}, "quoted", done.`;
const prompt = (i: number) => `user: question ${i % 997} about a headache`;

async function writeParquet(path: string, n: number, oneGroup = false): Promise<void> {
  const writer = new ParquetWriter({
    writer: fileWriter(path),
    schema: [
      { name: "root", num_children: 4 },
      { name: "id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
      { name: "prompt", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
      { name: "response", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
      { name: "score", type: "INT32", repetition_type: "REQUIRED" },
    ],
  });
  const group = oneGroup ? n : GROUP;
  const offsetIndex = !oneGroup;
  for (let from = 0; from < n; from += group) {
    const ids = [];
    const prompts = [];
    const responses = [];
    const scores = [];
    for (let i = from; i < Math.min(n, from + group); i++) {
      ids.push(`r${i}`);
      prompts.push(prompt(i));
      responses.push(response(i));
      scores.push(i % 6);
    }
    await writer.write({
      columnData: [
        { name: "id", data: ids, offsetIndex },
        { name: "prompt", data: prompts, offsetIndex },
        { name: "response", data: responses, offsetIndex },
        { name: "score", data: scores, offsetIndex },
      ],
      rowGroupSize: group,
    });
  }
  await writer.finish();
}

async function writeText(path: string, n: number, kind: "csv" | "jsonl"): Promise<void> {
  const out = createWriteStream(path);
  if (kind === "csv") out.write("id,prompt,response,score\n");
  for (let i = 0; i < n; i++) {
    const line =
      kind === "csv"
        ? `r${i},${prompt(i)},"${response(i).replaceAll('"', '""')}",${i % 6}\n`
        : `${JSON.stringify({ id: `r${i}`, prompt: prompt(i), response: response(i), score: i % 6 })}\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

function read(path: string, flags: string[] = []): Promise<Record<string, number>> {
  const child = spawn(process.execPath, [...flags, "bench/rows-child.mjs", path], {
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  let stats = "";
  child.stdio[3]!.on("data", (d) => (stats += d));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(stats)) : reject(new Error(`reading ${path} exited ${code}`)),
    ),
  );
}

try {
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log("format     rows       file MB  wall s  cpu s  rows/s (cpu)  peak RSS MB");
  for (const n of sizes) {
    for (const format of ["parquet", "parquet-1g", "csv", "jsonl"] as const) {
      const path = join(dir, `rows-${n}-${format}.${format === "parquet-1g" ? "parquet" : format}`);
      if (format === "parquet") await writeParquet(path, n);
      else if (format === "parquet-1g") await writeParquet(path, n, true);
      else await writeText(path, n, format);
      const s = await read(path);
      if (s.rows !== n || s.bad) throw new Error(`${path}: read ${s.rows} rows (${s.bad} bad), expected ${n}`);
      // RSS grows with V8's own heap sizing under a high allocation rate; a small heap cap shows
      // what the reader really keeps: the largest file must still be read whole under it.
      const capped = n === Math.max(...sizes) ? await read(path, [`--max-old-space-size=${CAP_MB}`]) : null;
      console.log(
        [
          format.padEnd(10),
          String(n).padEnd(10),
          (statSync(path).size / 1e6).toFixed(0).padStart(7),
          (s.wall_ms! / 1000).toFixed(1).padStart(7),
          (s.cpu_ms! / 1000).toFixed(1).padStart(6),
          Math.round(n / (s.cpu_ms! / 1000))
            .toLocaleString("en-US")
            .padStart(13),
          s.max_rss_mb!.toFixed(0).padStart(12),
          capped
            ? `  (with a ${CAP_MB} MB heap cap: ${capped.rows} rows, peak RSS ${capped.max_rss_mb!.toFixed(0)} MB)`
            : "",
        ].join(" "),
      );
      rmSync(path);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
