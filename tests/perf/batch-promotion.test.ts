/**
 * `rulers batch prepare` keeps each row's prompt in the young generation: nothing of a row
 * should outlive it. When each planned call was an object literal with a `key` getter, V8 kept
 * every row's prompt alive through young-generation collections (the getter's accessor pair
 * lives in old space and holds the closure), and 100,000 rows promoted ~170 MB that only full
 * collections could free. Counted with V8's own GC trace (`--trace-gc-nvp`) from the built CLI,
 * as the difference between a longer and a shorter run of the same rows, so the start-up's
 * promotions cancel out. No timing is asserted.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../helpers/built.js";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "rulers-promotion-"));
const bundle = join(root, "bundles/asap.persuasive-essay/1.0.0/bundle.json");

beforeAll(requireBuiltCli);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes promoted out of the young generation while `batch prepare` wrote `n` rows' requests. */
function promoted(n: number): Promise<number> {
  const rows = readFileSync(join(root, "examples/asap-essay.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const input = join(dir, `rows-${n}.jsonl`);
  writeFileSync(
    input,
    `${Array.from({ length: n }, (_, i) => JSON.stringify({ ...rows[i % rows.length], id: `row-${i}` })).join("\n")}\n`,
  );
  const out = join(dir, `requests-${n}.jsonl`);
  const args = ["--trace-gc-nvp", "bin/rulers.js", "batch", "prepare", "--bundle", bundle, "--input", input];
  args.push("--out", out, "--model", "m");
  return new Promise((res, rej) =>
    execFile(process.execPath, args, { cwd: root, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      if (err) return rej(new Error(`rulers batch prepare failed: ${stderr}`));
      if (readFileSync(out, "utf8").split("\n").filter(Boolean).length !== n)
        return rej(new Error(`expected ${n} request lines`));
      res([...stdout.matchAll(/\bpromoted=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0));
    }),
  );
}

describe("batch prepare's young generation", () => {
  it("promotes nothing per row", async () => {
    const few = await promoted(500);
    const many = await promoted(4500);
    // With the getter, each row promoted about 2 kB (its prompt); what is left is noise.
    expect((many - few) / 4000).toBeLessThan(300);
  }, 120_000);
});
