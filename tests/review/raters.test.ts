import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-raters-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, rows: [string, number | string][], rater: string) => {
  const p = join(dir, name);
  writeFileSync(p, `${rows.map(([item_id, label]) => JSON.stringify({ item_id, label, rater })).join("\n")}\n`);
  return p;
};

describe("rulers agree --against (inter-rater)", () => {
  it("compares two raters on the items both labelled", async () => {
    const a = write(
      "a.jsonl",
      [
        ["1", 1],
        ["2", 2],
        ["3", 3],
        ["4", 4],
        ["5", 2],
      ],
      "alice",
    );
    const b = write(
      "b.jsonl",
      [
        ["1", 1],
        ["2", 2],
        ["3", 3],
        ["4", 3],
        ["6", 1],
      ],
      "bob",
    );
    const r = await runCli(["agree", "--labels", a, "--against", b, "--json", "--resamples", "50"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(4);
    expect(out.metrics.accuracy.value).toBeCloseTo(0.75);
    expect(out.confusion["4"]["3"]).toBe(1);
    expect(r.stderr).toMatch(/2 items labelled by one rater only left out/);
  });

  it("reads pairwise labels in order and says when the files share too little", async () => {
    const a = write(
      "pa.jsonl",
      [
        ["1", "A"],
        ["2", "tie"],
        ["3", "B"],
      ],
      "alice",
    );
    const b = write(
      "pb.jsonl",
      [
        ["1", "A"],
        ["2", "B"],
        ["3", "B"],
      ],
      "bob",
    );
    const r = await runCli(["agree", "--labels", a, "--against", b, "--json", "--resamples", "0"]);
    expect(JSON.parse(r.stdout).metrics.accuracy.value).toBeCloseTo(2 / 3);
    const c = write("pc.jsonl", [["9", "A"]], "carol");
    const bad = await runCli(["agree", "--labels", a, "--against", c]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/share 0 labelled items; need at least 2/);
  });
});
