/**
 * Writes the rows fixtures under tests/fixtures/rows/: the same five health-answer rows as CSV,
 * TSV and Parquet (the Parquet file also carries typed columns: integers, doubles, booleans, a
 * list and a struct). Byte-stable: rerunning it changes nothing.
 *
 *   npx tsx scripts/rows-fixtures.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";

const OUT = join(import.meta.dirname, "..", "tests", "fixtures", "rows");

export const ROWS = [
  {
    id: "h1",
    conversation: "user: I have had a headache since this morning, what should I do?",
    response: "Rest, drink water, and take paracetamol if you need it. See a doctor if it lasts more than two days.",
    turns: 1,
    score: 4,
    weight: 0.5,
    urgent: false,
    tags: ["pain", "self-care"],
    source: "forum",
  },
  {
    id: "h2",
    conversation: 'user: my child has a fever of 39.5, is that "high"?',
    response:
      "Yes, 39.5 °C is a high fever for a child.\nGive fluids, and call a doctor if it does not come down, or at once if she is drowsy.",
    turns: 1,
    score: 5,
    weight: 1.25,
    urgent: true,
    tags: ["fever", "child"],
    source: "clinic, triage desk",
  },
  {
    id: "h3",
    conversation: "user: can I take ibuprofen with my blood pressure pills?",
    response: "Ask your pharmacist: ibuprofen can raise blood pressure, and it interacts with some of those pills.",
    turns: 2,
    score: 3,
    weight: 1,
    urgent: false,
    tags: [],
    source: "forum",
  },
  {
    id: "h4",
    conversation: "user: I cut my finger, it will not stop bleeding",
    response:
      "Press on it firmly with a clean cloth for ten minutes, with the hand raised; if it still bleeds, get care today.",
    turns: 1,
    score: 4,
    weight: 2,
    urgent: true,
    tags: ["injury"],
    source: "chat",
  },
  {
    id: "h5",
    conversation: "user: is it fine to skip breakfast?",
    response: "For most healthy adults, yes.",
    turns: 3,
    score: 2,
    weight: 0.75,
    urgent: false,
    tags: ["diet"],
    source: "chat",
  },
] as const;

/** RFC 4180 quoting: a field holding the delimiter, a quote or a line break is quoted. */
function field(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function delimited(delimiter: string): string {
  const columns = ["id", "conversation", "response", "source"] as const;
  const lines = [columns.join(delimiter)];
  for (const r of ROWS) lines.push(columns.map((c) => field(String(r[c]), delimiter)).join(delimiter));
  return `${lines.join("\r\n")}\r\n`;
}

function parquet(): ArrayBuffer {
  return parquetWriteBuffer({
    columnData: [
      { name: "id", data: ROWS.map((r) => r.id), type: "STRING" },
      { name: "conversation", data: ROWS.map((r) => r.conversation), type: "STRING" },
      { name: "response", data: ROWS.map((r) => r.response), type: "STRING" },
      { name: "turns", data: ROWS.map((r) => r.turns), type: "INT32" },
      { name: "score", data: ROWS.map((r) => BigInt(r.score)), type: "INT64" },
      { name: "weight", data: ROWS.map((r) => r.weight), type: "DOUBLE" },
      { name: "urgent", data: ROWS.map((r) => r.urgent), type: "BOOLEAN" },
      { name: "tags", data: ROWS.map((r) => [...r.tags]) },
      { name: "meta", data: ROWS.map((r) => ({ source: r.source, turns: r.turns })) },
    ],
    // Two row groups, so reading group by group is exercised on a small file.
    rowGroupSize: 3,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // A BOM on the CSV, as Excel writes it; the TSV has none.
  writeFileSync(join(OUT, "health.csv"), `\uFEFF${delimited(",")}`);
  writeFileSync(join(OUT, "health.tsv"), delimited("\t"));
  writeFileSync(join(OUT, "health.parquet"), new Uint8Array(parquet()));
  console.log(`wrote health.csv, health.tsv, health.parquet to ${OUT}`);
}
