import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readBundle } from "../../src/bundle/file.js";
import { runJudge } from "../../src/execute/index.js";
import { createJudgeClient, createProgress, memoryCache } from "../../src/judge/index.js";
import { RunRecordSchema } from "../../src/record/index.js";
import { runCli, spawnCli } from "../helpers/cli.js";
import type { Script } from "../helpers/fake-openai.js";
import { fakeJudgePerTest, judgeArgv, readJsonl } from "../helpers/judge-cli.js";
import { answerFor, inputsOf, validJudge } from "../helpers/scripted-judge.js";
import { tempDir } from "../helpers/temp.js";

const { path } = tempDir("rulers-stream-");
const judges = fakeJudgePerTest();

const HEALTH = "bundles/health.answer-quality/1.0.0/bundle.json";
const PAIRWISE = "bundles/chat.helpfulness-pairwise/1.0.0/bundle.json";
const row = (id: string | null, response: string) =>
  `${JSON.stringify({ ...(id === null ? {} : { id }), conversation: "user: what should I do about a headache?", response })}\n`;
const rowsFile = (count: number, prefix = "r") => {
  const p = path("rows.jsonl");
  writeFileSync(
    p,
    Array.from({ length: count }, (_, i) => row(`${prefix}${i}`, `Answer ${i}: rest and drink water.`)).join(""),
  );
  return p;
};

async function judge(script: Script, input: string, out: string, extra: string[] = [], bundle = HEALTH) {
  const { baseURL } = await judges.ensure(script);
  return runCli(
    judgeArgv({ bundle, input, out, baseURL }, ["--max-retries", "0", "--samples", "1", "--json", ...extra]),
  );
}

describe("streaming runs", () => {
  it("hands records on in input order, holding at most the reorder window", async () => {
    // Row 0 answers last, so every later record must wait for it, but only `window` may.
    const server = await judges.start(async (r) => {
      const slow = inputsOf(r.body).response?.startsWith("Answer 0:");
      return { delayMs: slow ? 300 : 1 + (r.index % 5), reply: { json: answerFor(r.body) } };
    });
    const bundle = readBundle(HEALTH);
    let pulled = 0;
    let emitted = 0;
    let widest = 0;
    const rows = (async function* () {
      for (let i = 0; i < 120; i++) {
        pulled++;
        widest = Math.max(widest, pulled - emitted);
        yield { line: i + 1, value: { id: `r${i}`, conversation: "user: hi", response: `Answer ${i}: rest.` } };
      }
    })();
    const order: string[] = [];
    const { records, summary } = await runJudge({
      bundle,
      rows,
      client: createJudgeClient({ baseURL: server.baseURL, apiKey: "k", maxRetries: 0, timeoutMs: 5000 }),
      cache: memoryCache(),
      settings: {
        models: ["m"],
        temperature: 0,
        samples: 1,
        seed: null,
        max_tokens: null,
        format: "json_schema",
        maxRepairs: 0,
        maxInputChars: 1e5,
      },
      concurrency: 4,
      window: 10,
      progress: false,
      onRecord: (r) => {
        emitted++;
        order.push(r.item_id);
      },
    });
    expect(records).toEqual([]); // handed on, not collected
    expect(order).toEqual(Array.from({ length: 120 }, (_, i) => `r${i}`));
    expect(summary).toMatchObject({ items: 120, scored: 120, failed: 0 });
    // The source is read ahead by at most the window (plus the row it is waiting to hand out).
    expect(widest).toBeLessThanOrEqual(11);
  });

  it("writes records that pass the contract, pointwise, pairwise and failed alike", async () => {
    const input = path("mixed.jsonl");
    writeFileSync(input, `${row("a", "Rest.")}not json\n${row("a", "again")}${row("b", "Drink water.")}`);
    const out = path("run.jsonl");
    const r = await judge(validJudge(), input, out);
    expect(r.code).toBe(0);
    const recs = readJsonl(out);
    expect(recs.map((x) => x.item_id)).toEqual(["a", "2", "a#3", "b"]);
    for (const x of recs) expect(RunRecordSchema.safeParse(x).success).toBe(true);
    // A repeated id gets its own id, so readers see one record per id and agree/merge accept it.
    expect(recs[2].error).toMatch(/item id `a` already used on row 1/);
  });

  it("keeps both orders of a pairwise judgment and says how the preference was derived", async () => {
    const input = "examples/pairwise-helpfulness.jsonl";
    const out = path("pair.jsonl");
    // The judge prefers whichever reply is shown first: position bias, which the orders expose.
    const r = await judge(validJudge({ decide: () => "A" }), input, out, ["--limit", "2"], PAIRWISE);
    expect(r.code).toBe(0);
    const [rec] = readJsonl(out);
    expect(RunRecordSchema.safeParse(rec).success).toBe(true);
    expect(rec.preference.orders.map((o: { order: string }) => o.order)).toEqual(["AB", "BA"]);
    // In the original labels the BA judgment preferred B: the two orders disagree → tie.
    expect(rec.preference.orders.map((o: { preferred: string }) => o.preferred)).toEqual(["A", "B"]);
    expect(rec.preference.orders[1].criteria.every((c: { verdict: string }) => c.verdict === "B")).toBe(true);
    expect(rec.preference.orders[1].criteria[0].rationale).toMatch(/scripted rationale/);
    expect(rec.preferred).toBe("tie");
    expect(rec.preference.derivation).toMatch(/both orders agreeing give that side, disagreeing give a tie/);
  });

  it("asks again, on a plain rerun, for an item whose cached answers failed", async () => {
    let broken = true;
    const input = path("rows.jsonl");
    writeFileSync(input, row("a", "Rest.") + row("b", "Drink water."));
    const out = path("run.jsonl");
    const script: Script = (q) =>
      broken && inputsOf(q.body).response === "Rest." ? { content: "{not json" } : { json: answerFor(q.body) };
    const first = await judge(script, input, out, ["--max-repairs", "0"]);
    expect(first.code).toBe(0);
    expect(readJsonl(out)[0].error).toMatch(/JSON/);
    const before = judges.server.requests.length;
    broken = false;
    const again = await judge(script, input, out, ["--max-repairs", "0"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ calls: 1, cached_calls: 2, failed: 0 });
    expect(judges.server.requests.length).toBe(before + 1); // only item a, once
    expect(readJsonl(out)[0].error).toBeUndefined();
  });

  it("--resume drops a torn last line, keeps the records, and refuses another bundle's file", async () => {
    const input = rowsFile(5);
    const full = path("full.jsonl");
    const first = await judge(validJudge(), input, full);
    expect(first.code).toBe(0);
    const whole = JSON.parse(first.stdout);
    const lines = readFileSync(full, "utf8").split("\n");
    const out = path("cut.jsonl");
    writeFileSync(out, `${lines.slice(0, 2).join("\n")}\n${lines[2]!.slice(0, 40)}`);
    const r = await judge(validJudge(), input, out, ["--resume", "--cache", `${full}.cache.jsonl`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/resuming: 2 records kept .*torn line 3 dropped/);
    // The summary covers the whole file, kept records and new ones, and says which part was kept.
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ skipped: 2, items: 5, calls: 0, cached_calls: 3 });
    expect(summary.resumed).toMatchObject({ items: 2, scored: 2, failed: 0 });
    for (const k of [
      "items",
      "scored",
      "failed",
      "evidence_verified",
      "evidence_rejected",
      "prompt_tokens",
      "completion_tokens",
      "cost_usd",
      "models",
    ])
      expect(summary[k], k).toEqual(whole[k]);
    expect(summary.resumed.prompt_tokens).toBeGreaterThan(0);
    expect(summary.resumed.prompt_tokens).toBeLessThan(whole.prompt_tokens);
    expect(r.stderr).toMatch(
      /judged 5 items: 5 scored, 0 failed \(2 kept from the interrupted run, 3 judged now; the totals cover both\)/,
    );
    const strip = (t: string) => t.replace(/"latency_ms":\d+/g, "");
    expect(strip(readFileSync(out, "utf8"))).toBe(strip(readFileSync(full, "utf8")));

    const other = path("other.jsonl");
    const foreign = readFileSync(full, "utf8").replaceAll(/sha256:[0-9a-f]{64}/g, `sha256:${"e".repeat(64)}`);
    writeFileSync(other, foreign);
    const refused = await judge(validJudge(), input, other, ["--resume"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot resume: .*other\.jsonl:1 was judged with bundle sha256:eeee/);
    expect(readFileSync(other, "utf8")).toBe(foreign); // nothing written
  });

  it("stops with one line when the disk is full, leaving whole records and a consistent cache", async () => {
    const input = rowsFile(3);
    const r = await judge(validJudge(), input, "/dev/full", ["--cache", path("c.jsonl")]);
    expect(r.code).toBe(1);
    // Besides the unpriced-model warning given before any call, one line says what happened.
    const lines = r.stderr
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("warning: no price for model"));
    expect(lines).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot write `\/dev\/full`: the disk is full\. The run stopped; .*holds 0 whole records/);
  });

  it("reads a >512 MB input row by row: --limit 1 never touches the rest", async () => {
    const input = path("huge.jsonl");
    writeFileSync(input, row("first", "Rest and drink water."));
    // A sparse 600 MB tail with no newline: any reader that loads the file or the line fails.
    truncateSync(input, 600 * 1024 * 1024);
    const out = path("huge-run.jsonl");
    const r = await judge(validJudge(), input, out, ["--limit", "1"]);
    expect(r.code).toBe(0);
    expect(readJsonl(out).map((x) => x.item_id)).toEqual(["first"]);
  });

  it("warns once, with the count, about rows without an id", async () => {
    const input = path("noid.jsonl");
    writeFileSync(input, row(null, "Rest.") + row(null, "Water.") + row("c", "Sleep."));
    const r = await judge(validJudge(), input, path("run.jsonl"));
    expect(r.code).toBe(0);
    expect(r.stderr.match(/no `id`/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/warning: 2 rows have no `id` and are identified by line number/);
  });
});

describe("failed items never block analysis", () => {
  it("agree and calibrate leave failed labelled items out and count them per reason", async () => {
    const input = rowsFile(12, "e");
    const out = path("run.jsonl");
    // Two items fail: the judge refuses them.
    const script: Script = (q) =>
      /Answer (3|7):/.test(inputsOf(q.body).response ?? "")
        ? { refusal: "no" }
        : {
            json: answerFor(q.body, {
              decide: (_id, values, inputs) =>
                values[Number(/Answer (\d+)/.exec(inputs.response!)![1]) % values.length]!,
            }),
          };
    expect((await judge(script, input, out, ["--max-repairs", "0"])).code).toBe(0);
    const recs = readJsonl(out);
    expect(recs.filter((x) => x.error).map((x) => x.item_id)).toEqual(["e3", "e7"]);
    const labels = path("labels.csv");
    writeFileSync(labels, `item_id,label\n${recs.map((x, i) => `"${x.item_id}",${1 + (i % 3)}`).join("\n")}\n`);
    const r = await runCli(["agree", "--run", out, "--labels", labels, "--json", "--resamples", "50"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).n).toBe(10);
    expect(r.stderr).toMatch(/2 failed items left out: 2 × the judge refused: no/);
  });

  it("reads CSV labels with a maintained parser: quoted commas, doubled quotes, CRLF", async () => {
    const { readLabels } = await import("../../src/calibrate/index.js");
    const p = path("labels.csv");
    writeFileSync(p, '\ufeffitem_id,label\r\n"essay, 1",3\r\n"say ""hi""",2\r\nplain,1\r\n');
    expect([...readLabels(p)]).toEqual([
      ["essay, 1", 3],
      ['say "hi"', 2],
      ["plain", 1],
    ]);
    writeFileSync(p, 'item_id,label\n"open,1\n');
    expect(() => readLabels(p)).toThrow(/labels\.csv:\d+: not valid CSV/);
  });
});

describe("the command line", () => {
  it("`rulers help judge` prints the judge's help", async () => {
    const r = await runCli(["help", "judge"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: rulers judge/);
  });

  it("exits quietly when the reader of stdout goes away (`| head`)", async () => {
    const child = spawnCli(["--help"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.destroy();
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const code = await new Promise((r) => child.once("exit", r));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it("prints plain periodic progress lines off a terminal and in a 0-column pty", () => {
    for (const stream of [
      { isTTY: false, columns: 80 },
      { isTTY: true, columns: 0 },
    ]) {
      let text = "";
      let t = 0;
      const p = createProgress(null, {
        stream: { ...stream, write: (s: string) => (text += s) },
        every: 1000,
        now: () => t,
      });
      for (let i = 0; i < 30; i++) {
        t += 100;
        p.tick(i === 4);
      }
      p.done();
      expect(text.includes("\r") || text.includes("\u001b")).toBe(false);
      expect(text.split("\n").filter(Boolean)).toEqual([
        "judging 10 done  10.0/s  1 failed",
        "judging 20 done  10.0/s  1 failed",
        "judging 30 done  10.0/s  1 failed",
        "judging 30 done  10.0/s  1 failed",
      ]);
    }
  });
});

describe("agreement on any scale", () => {
  it("maps raw scores on a finer grid and another range onto the label scale, and says so", async () => {
    const run = path("fine.jsonl");
    const labels = path("fine-labels.jsonl");
    const bundle = { id: "r", version: "1.0.0", hash: `sha256:${"a".repeat(64)}` };
    const recs: string[] = [];
    const labs: string[] = [];
    for (let i = 0; i < 400; i++) {
      const label = 1 + (i % 4);
      // 0.01-step raw scores, some below 1 and above 4: the old scale union made ~500 categories.
      const raw = Math.round((label + ((i * 37) % 200) / 100 - 1) * 100) / 100;
      recs.push(JSON.stringify({ item_id: `i${i}`, line: i + 1, bundle, raw_score: raw, flags: [] }));
      labs.push(JSON.stringify({ item_id: `i${i}`, label }));
    }
    writeFileSync(run, `${recs.join("\n")}\n`);
    writeFileSync(labels, `${labs.join("\n")}\n`);
    const r = await runCli(["agree", "--run", run, "--labels", labels, "--json", "--resamples", "100"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.scale).toEqual({ min: 1, max: 4, step: 1 });
    expect(Object.keys(out.confusion).sort()).toEqual(["1", "2", "3", "4"]);
    expect(out.mapping.clamped).toBeGreaterThan(0);
    expect(out.mapping.rounded).toBeGreaterThan(0);
    expect(out.mapping.rounded + out.mapping.clamped).toBeLessThanOrEqual(400);
    const text = await runCli(["agree", "--run", run, "--labels", labels, "--resamples", "10"]);
    expect(text.stderr).toMatch(
      /raw_score mapped onto the label scale: \d+ rounded to the nearest category, \d+ clamped to its ends/,
    );
  });
});
