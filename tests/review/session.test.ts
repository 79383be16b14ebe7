import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readLabels } from "../../src/calibrate/index.js";
import { checkLabel, order, ReviewError, ReviewSession, replayJournal } from "../../src/review/index.js";
import { writeRun } from "./fixtures.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rulers-review-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (over: Partial<Parameters<typeof ReviewSession.open>[0]> = {}) => {
  const { run, rows } = writeRun(dir);
  return ReviewSession.open({ run, input: rows, labels: join(dir, "labels.jsonl"), rater: "alice", ...over });
};

describe("review session", () => {
  it("journals each label, writes labels.jsonl that calibrate reads, and replays after a restart", () => {
    const s = open();
    s.start();
    expect(s.meta()).toMatchObject({ total: 30, labelled: 0, values: [1, 2, 3, 4] });
    s.save({ item_id: "item-000", label: 3, comment: " too short ", criteria: { clear: "unmet" } });
    s.save({ item_id: "item-001", label: "2" });
    s.save({ item_id: "item-000", label: 4 });
    s.save({ item_id: "item-001", label: null });
    expect(replayJournal(join(dir, "labels.jsonl.journal")).entries).toHaveLength(4);
    expect([...readLabels(join(dir, "labels.jsonl"))]).toEqual([["item-000", 4]]);
    s.stop();
    const again = open();
    again.start();
    expect(again.labelled).toBe(1);
    expect(again.item(0).label).toMatchObject({ label: 4, rater: "alice" });
    again.stop();
  });

  it("refuses labels off the scale and items not in the run, saving nothing", () => {
    const s = open();
    s.start();
    expect(() => s.save({ item_id: "item-000", label: 7 })).toThrow("label 7 is outside the scale 1..4 step 1");
    expect(() => s.save({ item_id: "item-000", label: 2.5 })).toThrow("outside the scale");
    expect(() => s.save({ item_id: "nope", label: 2 })).toThrow("item `nope` is not in this run");
    expect(replayJournal(join(dir, "labels.jsonl.journal")).entries).toHaveLength(0);
    s.stop();
    expect(checkLabel({ kind: "pairwise" }, "tie")).toEqual({ ok: true, value: "tie" });
    expect(checkLabel({ kind: "numeric", min: 0, max: 1, step: 0.1 }, 0.30000000000000004)).toEqual({
      ok: true,
      value: 0.3,
    });
  });

  it("drops a torn last journal line (a crash mid-write) and says so", () => {
    const s = open();
    s.start();
    s.save({ item_id: "item-002", label: 1 });
    s.stop();
    writeFileSync(
      join(dir, "labels.jsonl.journal"),
      `${readFileSync(join(dir, "labels.jsonl.journal"), "utf8")}{"item_id":"item-0`,
      {
        flag: "w",
      },
    );
    const again = open();
    again.start();
    expect(again.labelled).toBe(1);
    expect(again.warnings.join()).toMatch(/labels\.jsonl\.journal:2: an incomplete last entry/);
    again.save({ item_id: "item-003", label: 2 });
    expect(replayJournal(join(dir, "labels.jsonl.journal")).entries.map((e) => e.item_id)).toEqual([
      "item-002",
      "item-003",
    ]);
    again.stop();
  });

  it("refuses a second reviewer on the same labels file, and takes over a dead one's lock", () => {
    const s = open();
    s.start();
    const second = open({ rater: "bob" });
    expect(() => second.start()).toThrow(/is held by rater `alice`.*give this reviewer its own --labels/);
    s.save({ item_id: "item-000", label: 2 });
    s.stop();
    // a lock left by a process that is gone
    writeFileSync(
      join(dir, "labels.jsonl.lock"),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), rater: "alice", started: "x" }),
    );
    const third = open();
    third.start();
    expect(third.labelled).toBe(1);
    third.stop();
    expect(existsSync(join(dir, "labels.jsonl.lock"))).toBe(false);
    // another rater's labels file is not silently rewritten with only this rater's labels
    const bob = open({ rater: "bob" });
    expect(() => bob.start()).toThrow(/holds labels by rater `alice`/);
  });

  it("seeds the journal from an existing labels file, warning about labels off the scale", () => {
    writeFileSync(join(dir, "labels.jsonl"), '{"item_id":"item-000","label":2}\n{"item_id":"item-001","label":9}\n');
    const s = open();
    s.start();
    expect(s.labelled).toBe(1);
    expect(s.warnings.join()).toMatch(/item `item-001`: label 9 is outside the scale/);
    s.stop();
  });

  it("says when the run and the rows do not match", () => {
    const { run } = writeRun(dir);
    const rows = join(dir, "other.jsonl");
    writeFileSync(rows, '{"id":"item-000","response":"x"}\n');
    expect(() => ReviewSession.open({ run, input: rows, labels: join(dir, "l.jsonl"), rater: "a" })).toThrow(
      /29 of 30 items in `.*run\.jsonl` have no row in `.*other\.jsonl` \(first: `item-001`, `item-002`, `item-003`\); pass the rows file the run judged/,
    );
    writeFileSync(join(dir, "bad.jsonl"), '{"item_id":"a"}\nnot json\n');
    expect(() =>
      ReviewSession.open({ run: join(dir, "bad.jsonl"), input: rows, labels: join(dir, "l.jsonl"), rater: "a" }),
    ).toThrow(/bad\.jsonl:2: not valid JSON/);
  });

  it("fails to start, clearly, when the labels folder cannot be written", () => {
    let labels: string;
    if (process.getuid?.() === 0) {
      // root ignores permissions: a path through a regular file is unwritable for anyone
      writeFileSync(join(dir, "file"), "");
      labels = join(dir, "file", "labels.jsonl");
    } else {
      mkdirSync(join(dir, "ro"));
      chmodSync(join(dir, "ro"), 0o555);
      labels = join(dir, "ro", "labels.jsonl");
    }
    const s = open({ labels });
    expect(() => s.start()).toThrow(/cannot write .*\((EACCES|ENOTDIR|EEXIST)\); choose a writable --labels path/);
  });

  it("keeps a label in the journal when labels.jsonl cannot be replaced, and says so", () => {
    const s = open();
    s.start();
    rmSync(join(dir, "labels.jsonl"));
    mkdirSync(join(dir, "labels.jsonl", "x"), { recursive: true }); // rename onto a non-empty folder fails
    expect(() => s.save({ item_id: "item-004", label: 3 })).toThrow(
      /is saved in the journal .* could not be rewritten/,
    );
    expect(replayJournal(join(dir, "labels.jsonl.journal")).entries.map((e) => e.item_id)).toEqual(["item-004"]);
    s.stop();
  });

  it("orders items: seeded random, stratified over score levels, unlabelled only, disagreements first", () => {
    const s = open();
    s.start();
    const a = s.order("random", 7);
    expect(a).toEqual(s.order("random", 7));
    expect([...a].sort((x, y) => x - y)).toEqual(s.order("run", 1));
    expect(a).not.toEqual(s.order("run", 1));
    const strat = s.order("stratified", 3);
    expect(new Set(strat.slice(0, 4).map((i) => s.items[i]!.score))).toEqual(new Set([1, 2, 3, 4]));
    s.save({ item_id: "item-000", label: 4 }); // judge said 1: a 3-point disagreement
    s.save({ item_id: "item-001", label: 2 }); // judge said 2: agreement
    expect(s.order("unlabelled", 1)).toHaveLength(28);
    const dis = s.order("disagreements", 1);
    expect(s.items[dis[0]!]!.id).toBe("item-000");
    // then the judge's least sure: flagged items (every fifth) before the rest
    expect(dis.slice(1, 6).every((i) => s.items[i]!.doubt > 0)).toBe(true);
    expect(order([], "stratified", 1, () => null)).toEqual([]);
    s.stop();
  });

  it("shows an item with its texts, criteria and evidence offsets as data", () => {
    const s = open();
    s.start();
    expect(s.item(3).texts.response).toContain("<!--<script>");
    const it = s.item(1);
    expect(it.criteria[0]).toMatchObject({
      id: "clear",
      verdict: "met",
      evidence: [{ verified: true, input: "response" }],
    });
    expect(() => s.item(99)).toThrow(ReviewError);
    s.stop();
  });
});

describe("review session on a pairwise run", () => {
  it("labels A / B / tie, refuses numbers, and writes labels drift and agree read", () => {
    const run = join(dir, "pairs.jsonl");
    const rows = join(dir, "pair-rows.jsonl");
    writeFileSync(
      run,
      ["A", "tie", "B"]
        .map((p, i) =>
          JSON.stringify({
            item_id: `p${i}`,
            preferred: p,
            raw_score: p === "A" ? 1 : p === "B" ? 0 : 0.5,
            scale: { kind: "numeric", min: 0, max: 1, step: 0.5 },
            position: { consistent: p === "tie" ? 0 : 1, inconsistent: p === "tie" ? 1 : 0 },
            criteria: [],
          }),
        )
        .join("\n"),
    );
    writeFileSync(
      rows,
      [0, 1, 2].map((i) => JSON.stringify({ id: `p${i}`, response_a: "a", response_b: "b" })).join("\n"),
    );
    const s = ReviewSession.open({ run, input: rows, labels: join(dir, "pl.jsonl"), rater: "alice" });
    s.start();
    expect(s.meta().values).toEqual(["A", "tie", "B"]);
    s.save({ item_id: "p0", label: "B" });
    s.save({ item_id: "p1", label: "tie" });
    expect(() => s.save({ item_id: "p2", label: 1 })).toThrow("label 1 is not A, B or tie");
    // disagreements first: the item labelled against the judge leads
    expect(s.items[s.order("disagreements", 1)[0]!]!.id).toBe("p0"); // labelled B, judge said A
    expect([...readLabels(join(dir, "pl.jsonl"), { kind: "any" })]).toEqual([
      ["p0", "B"],
      ["p1", "tie"],
    ]);
    s.close();
  });
});

describe("review session indexed in the background", () => {
  // 6,000 items make a run of several 1 MB chunks: the first item is ready long before the last
  const big = () => writeRun(dir, 6000);

  it("shows the first items at once, keeps run order only until the index is complete, then every order", async () => {
    const { run, rows, ids } = big();
    const s = ReviewSession.begin({ run, input: rows, labels: join(dir, "labels.jsonl"), rater: "alice" });
    s.start();
    expect(s.indexed).toBe(false);
    const m = s.meta();
    expect(m.total).toBeGreaterThan(0);
    expect(m.total).toBeLessThan(6000);
    expect(m.indexing.bytes).toBeLessThan(m.indexing.of);
    expect(s.item(0).id).toBe("item-000");
    expect(s.order("run", 1)).toEqual(Array.from({ length: m.total }, (_, i) => i));
    expect(() => s.order("stratified", 1)).toThrow(
      /`stratified` order ranks every item; it is available when indexing finishes/,
    );
    expect(() => s.item(5999)).toThrow(/item 5999 is not indexed yet/);
    // a label entered while indexing is journalled at once
    s.save({ item_id: "item-001", label: 2 });
    expect(() => s.save({ item_id: "item-5999", label: 2 })).toThrow(
      /not indexed yet; try again when indexing finishes/,
    );
    const last = s.itemWhenReady(5999);
    await s.indexInBackground();
    expect((await last).id).toBe(ids[5999]);
    expect(s.meta()).toMatchObject({ total: 6000, labelled: 1, indexing: { done: true }, error: null });
    expect(s.order("stratified", 1)).toHaveLength(6000);
    s.save({ item_id: "item-5999", label: 3 });
    expect([...readLabels(join(dir, "labels.jsonl"))]).toEqual([
      ["item-001", 2],
      ["item-5999", 3],
    ]);
    await expect(s.itemWhenReady(6000)).rejects.toThrow("no item 6000; the run has 6000");
    s.stop();
  });

  it("reports a run and rows that part ways late in the run, keeping the labels already saved", async () => {
    const { run, rows } = big();
    const kept = readFileSync(rows, "utf8").trim().split("\n").slice(0, 5000);
    writeFileSync(rows, `${kept.join("\n")}\n`);
    const s = ReviewSession.begin({ run, input: rows, labels: join(dir, "labels.jsonl"), rater: "alice" });
    s.start();
    s.save({ item_id: "item-000", label: 4 });
    await expect(s.indexInBackground()).rejects.toThrow(
      /1000 of 6000 items in `.*run\.jsonl` have no row in `.*rows\.jsonl` \(first: `item-5000`, `item-5001`, `item-5002`\)/,
    );
    expect(s.meta().error).toMatch(/have no row/);
    expect(() => s.save({ item_id: "item-001", label: 1 })).toThrow(
      /^not saved: 1000 of 6000 items .*labels saved before are in the journal$/,
    );
    expect(s.item(0).id).toBe("item-000");
    expect([...readLabels(join(dir, "labels.jsonl"))]).toEqual([["item-000", 4]]);
    s.stop();
  });

  it("matches rows written in another order than the run", async () => {
    const { run, rows } = big();
    writeFileSync(rows, `${readFileSync(rows, "utf8").trim().split("\n").reverse().join("\n")}\n`);
    const s = ReviewSession.begin({ run, input: rows, labels: join(dir, "labels.jsonl"), rater: "alice" });
    await s.indexInBackground();
    expect(s.meta().total).toBe(6000);
    expect(s.item(4321).texts.prompt).toBe("Question 4321?");
    s.close();
  });
});
