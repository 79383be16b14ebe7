/** `rulers judge` (and estimate, batch prepare, the library) on CSV, TSV and Parquet rows, against a local judge. */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { judge } from "../../src/api/judge.js";
import { readBundle } from "../../src/bundle/file.js";
import { RunRecordSchema } from "../../src/record/index.js";
import { openRows } from "../../src/rows/index.js";
import { runCli } from "../helpers/cli.js";
import { fakeJudgePerTest, judgeArgv, readJsonl } from "../helpers/judge-cli.js";
import { inputsOf, validJudge } from "../helpers/scripted-judge.js";
import { tempDir } from "../helpers/temp.js";

const FIX = "tests/fixtures/rows";
const HEALTH = "bundles/health.answer-quality/1.0.0/bundle.json";
const { path } = tempDir("rulers-rows-cli-");
const judges = fakeJudgePerTest();
const readRun = (p: string) => readJsonl(p).map((r) => RunRecordSchema.parse(r));

async function judgeCli(input: string, extra: string[] = []) {
  const { baseURL } = await judges.ensure(validJudge());
  const out = path("run.jsonl");
  const res = await runCli(
    judgeArgv({ bundle: HEALTH, input, out, baseURL }, [
      "--max-retries",
      "0",
      "--samples",
      "1",
      "--progress",
      "never",
      ...extra,
    ]),
  );
  return { ...res, out };
}

describe("rulers judge on CSV, TSV and Parquet", () => {
  for (const [format, lines] of [
    ["csv", [2, 3, 5, 6, 7]],
    ["tsv", [2, 3, 5, 6, 7]],
    ["parquet", [1, 2, 3, 4, 5]],
  ] as const) {
    it(`judges every row of health.${format}, with the file's row numbers`, async () => {
      const { code, out, stderr } = await judgeCli(`${FIX}/health.${format}`);
      expect(stderr).toContain("judged 5 items: 5 scored, 0 failed");
      expect(code).toBe(0);
      const run = readRun(out);
      expect(run.map((r) => [r.item_id, r.line])).toEqual(lines.map((l, i) => [`h${i + 1}`, l]));
      expect(run.every((r) => typeof r.raw_score === "number")).toBe(true);
      // The judge saw the cell's text, multi-line and quoted as written.
      const seen = judges.server.requests.map((q) => inputsOf(q.body).response);
      expect(seen).toContain(
        "Yes, 39.5 °C is a high fever for a child.\nGive fluids, and call a doctor if it does not come down, or at once if she is drowsy.",
      );
    });
  }

  it("maps renamed columns onto the bundle's inputs and id", async () => {
    const csv = path("renamed.csv");
    writeFileSync(csv, "qid,question,answer\nq1,user: I feel dizzy,Sit down and drink some water.\n");
    const { code, out } = await judgeCli(csv, [
      "--map",
      "conversation=question",
      "--map",
      "response=answer",
      "--map",
      "id=qid",
    ]);
    expect(code).toBe(0);
    expect(readRun(out).map((r) => [r.item_id, r.line, typeof r.raw_score])).toEqual([["q1", 2, "number"]]);
    expect(inputsOf(judges.server.requests[0]!.body)).toEqual({
      conversation: "user: I feel dizzy",
      response: "Sit down and drink some water.",
    });
  });

  it("stops before any judge call when an input has no column, naming it and the columns", async () => {
    const csv = path("short.csv");
    writeFileSync(csv, "id,question,answer\n1,q,a\n");
    const { code, stderr } = await judgeCli(csv, ["--map", "response=answer"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /short\.csv` has no column for input `conversation`; its columns are `id`, `question`, `answer`; name one `conversation` or add --map conversation=COLUMN/,
    );
    expect(judges.server.requests).toHaveLength(0);
    const missing = await judgeCli(csv, ["--map", "response=reply"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /`--map response=reply`: `.*short\.csv` has no column `reply`; its columns are `id`, `question`, `answer`/,
    );
    expect(judges.server.requests).toHaveLength(0);
  });

  it("records a ragged or badly quoted row as failed, by line, and judges the others", async () => {
    const csv = path("bad.csv");
    writeFileSync(
      csv,
      'id,conversation,response\na,user: hi,Rest well.\nb,user: hi\nc,user: hi,"Drink ""water"" and rest."\nd,user: hi,"never closed\n',
    );
    const { code, out, stderr } = await judgeCli(csv);
    expect(code).toBe(0);
    expect(stderr).toMatch(/bad\.csv:3: has 2 fields, the header has 3; the row is recorded as failed/);
    expect(stderr).toMatch(/bad\.csv:5: a quoted field is never closed .*; the row is recorded as failed/);
    const run = readRun(out);
    expect(run.map((r) => [r.item_id, r.line, r.error ?? "scored"])).toEqual([
      ["a", 2, "scored"],
      ["3", 3, "row 3: has 2 fields, the header has 3"],
      ["c", 4, "scored"],
      ["5", 5, "row 5: a quoted field is never closed (the quote runs to the end of the file)"],
    ]);
    expect(inputsOf(judges.server.requests.at(-1)!.body).response).toBe('Drink "water" and rest.');
  });

  it("refuses a truncated Parquet file and one that is not Parquet, before any call", async () => {
    const cut = path("cut.parquet");
    const bytes = readFileSync(`${FIX}/health.parquet`);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    const a = await judgeCli(cut);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/cut\.parquet` is not a whole Parquet file: it does not end with `PAR1`/);
    const fake = path("fake.parquet");
    writeFileSync(fake, "id,response\n");
    const b = await judgeCli(fake);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/fake\.parquet` is not a Parquet file/);
    // --input-format overrides the extension: the same bytes read as CSV are refused for their columns.
    const c = await judgeCli(fake, ["--input-format", "csv"]);
    expect(c.stderr).toMatch(/has no column for input `conversation`/);
    expect(judges.server.requests).toHaveLength(0);
  });

  it("judges a conversation held as JSON in a CSV cell, and names a malformed one by its line", async () => {
    const csv = path("conv.csv");
    const chat = JSON.stringify([
      { role: "user", content: "I have a mild headache, what can I take?" },
      { role: "assistant", content: "Paracetamol is usually fine; see a doctor if it lasts." },
    ]);
    const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
    writeFileSync(
      csv,
      `id,messages,ideal
c1,${q(chat)},Paracetamol or ibuprofen; rest.
c2,${q('[{"role": "robot", "content": "hi"}]')},x
`,
    );
    const out = path("run.jsonl");
    const server = await judges.start(validJudge());
    const res = await runCli(
      judgeArgv(
        { bundle: "bundles/health.conversation-reply/1.0.0/bundle.json", input: csv, out, baseURL: server.baseURL },
        ["--map", "chat=messages", "--samples", "1", "--progress", "never"],
      ),
    );
    expect(res.code).toBe(0);
    const run = readRun(out);
    expect(run.map((r) => [r.item_id, r.line, typeof r.raw_score])).toEqual([
      ["c1", 2, "number"],
      ["c2", 3, "object"],
    ]);
    expect(run[1]!.error).toMatch(/^row 3: conversation input `chat` messages\[0\]\.role is "robot"/);
    expect(JSON.stringify(server.requests[0]!.body)).toContain("Paracetamol is usually fine");
  });

  it("stops at --limit N rows of a Parquet file", async () => {
    const { code, out } = await judgeCli(`${FIX}/health.parquet`, ["--limit", "2"]);
    expect(code).toBe(0);
    expect(readRun(out).map((r) => r.item_id)).toEqual(["h1", "h2"]);
  });
});

describe("other commands and the library", () => {
  it("estimate and batch prepare read Parquet and TSV rows", async () => {
    const est = await runCli([
      "estimate",
      "--bundle",
      HEALTH,
      "--input",
      `${FIX}/health.parquet`,
      "--model",
      "gpt-4o-mini",
      "--json",
    ]);
    expect(est.code).toBe(0);
    expect(JSON.parse(est.stdout)).toMatchObject({ items: 5, skipped_rows: 0 });
    const req = path("requests.jsonl");
    const prep = await runCli([
      "batch",
      "prepare",
      "--bundle",
      HEALTH,
      "--input",
      `${FIX}/health.tsv`,
      "--out",
      req,
      "--model",
      "m",
    ]);
    expect(prep.code).toBe(0);
    const ids = readJsonl(req).map((l) => l.custom_id as string);
    // One request per item and sample (the rubric's samples), every item from the TSV.
    expect(new Set(ids.map((id) => id.split(":")[1]))).toEqual(new Set(["h1", "h2", "h3", "h4", "h5"]));
  });

  it("judge() takes a file opened with openRows and keeps its row numbers", async () => {
    const server = await judges.start(validJudge());
    const bundle = readBundle(HEALTH);
    const rows = await openRows(`${FIX}/health.csv`, { bundle });
    const records = [];
    for await (const r of judge(bundle, rows, { model: "m", baseURL: server.baseURL, apiKey: "k", samples: 1 }))
      records.push(r);
    expect(records.map((r) => [r.item_id, r.line])).toEqual([
      ["h1", 2],
      ["h2", 3],
      ["h3", 5],
      ["h4", 6],
      ["h5", 7],
    ]);
  });
});

describe("drift and review", () => {
  it("drift --plan counts the probe rows of a CSV file", async () => {
    const res = await runCli(["drift", "--plan", "0.1", "--probe", `${FIX}/health.csv`, "--json"]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).probes).toBe(5);
  });

  it("report --input reads CSV rows and shows their text beside the run's items", async () => {
    const { code, out } = await judgeCli(`${FIX}/health.csv`);
    expect(code).toBe(0);
    const html = path("report.html");
    expect((await runCli(["report", "--run", out, "--out", html])).code).toBe(0);
    expect(readFileSync(html, "utf8")).not.toContain("take paracetamol if you need it");
    const res = await runCli(["report", "--run", out, "--input", `${FIX}/health.csv`, "--out", html]);
    expect(res.code).toBe(0);
    // The judged text reaches the report only through --input; the page holds it JSON-escaped.
    expect(readFileSync(html, "utf8")).toContain("take paracetamol if you need it");
    const missing = await runCli([
      "report",
      "--run",
      out,
      "--input",
      `${FIX}/health.csv`,
      "--map",
      "response=nope",
      "--out",
      html,
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nope/);
    // A row that cannot be read is named by its line; the report is still written.
    const broken = path("broken.csv");
    writeFileSync(broken, `${readFileSync(`${FIX}/health.csv`, "utf8")}"unclosed\n`);
    const partial = await runCli(["report", "--run", out, "--input", broken, "--out", html]);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toMatch(/broken\.csv:\d+: a quoted field is never closed.*; the row's text is left out/);
    expect(readFileSync(html, "utf8")).toContain("take paracetamol if you need it");
  });

  it("review reads other formats through the row source, rows named by their own numbers", async () => {
    const { ReviewSession, RowLines } = await import("../../src/review/index.js");
    const csv = path("noid.csv");
    // No ids (a row is known by its line), a blank line, and a row with a broken quote.
    writeFileSync(csv, 'response\nfirst\n\nsecond\n"broken\n');
    const run = path("run.jsonl");
    const record = (id: string) => JSON.stringify({ item_id: id, raw_score: 1, flags: [], criteria: [] });
    writeFileSync(run, `${record("2")}\n${record("4")}\n`);
    const warnings: string[] = [];
    const rows = await RowLines.read(await openRows(csv), (m) => warnings.push(m));
    expect(warnings).toEqual([
      expect.stringMatching(/noid\.csv:5: a quoted field is never closed.*; the row is left out$/),
    ]);
    const s = ReviewSession.open({ run, input: csv, rows, labels: path("labels.jsonl"), rater: "a" });
    expect(s.items.map((i) => i.id)).toEqual(["2", "4"]);
    expect(s.item(0).texts).toEqual({ response: "first" });
    expect(s.item(1).texts).toEqual({ response: "second" });
    s.close();
    // The run judged the row that cannot be read: the index names the item without a row.
    writeFileSync(run, `${record("2")}\n${record("5")}\n`);
    const again = await RowLines.read(await openRows(csv), () => {});
    expect(() => ReviewSession.open({ run, input: csv, rows: again, labels: path("l2.jsonl"), rater: "a" })).toThrow(
      /1 of 2 items in `.*run\.jsonl` have no row in `.*noid\.csv` \(first: `5`\)/,
    );
  });

  it("review refuses a --map column the file does not have, before opening", async () => {
    const res = await runCli([
      "review",
      "--run",
      path("none.jsonl"),
      "--input",
      `${FIX}/health.csv`,
      "--map",
      "response=nope",
    ]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/has no column `nope`/);
  });
});
