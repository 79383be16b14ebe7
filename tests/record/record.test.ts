import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  eachRecord,
  FailureTally,
  failureReason,
  RecordError,
  RunRecordSchema,
  readRecords,
  runRecordJsonSchema,
} from "../../src/record/index.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-record-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string) => {
  const p = join(dir, `run-${++n}.jsonl`);
  writeFileSync(p, text);
  return p;
};

const HASH = `sha256:${"ab".repeat(32)}`;
const judge = {
  base_url_host: "127.0.0.1:8000",
  model: "m-2025",
  requested_model: "m",
  system_fingerprint: null,
  temperature: 0,
  seed: null,
  samples: 1,
  format: "json_schema",
};
const rec = (id: string, line: number, extra: Record<string, unknown> = {}) => ({
  item_id: id,
  line,
  bundle: { id: "r", version: "1.0.0", hash: HASH },
  raw_score: 3,
  flags: [],
  judge,
  ...extra,
});
const lines = (...rs: unknown[]) => `${rs.map((r) => JSON.stringify(r)).join("\n")}\n`;

describe("the run-record contract", () => {
  it("is published as grammar/run-record.schema.json, generated from the zod schema", () => {
    const committed = JSON.parse(readFileSync("grammar/run-record.schema.json", "utf8"));
    expect(committed).toEqual(runRecordJsonSchema());
  });

  it("documents every top-level field in grammar/run-record.md", () => {
    const doc = readFileSync("grammar/run-record.md", "utf8");
    const fields = Object.keys((runRecordJsonSchema() as { properties: object }).properties);
    const missing = fields.filter((f) => !doc.includes(`\`${f}\``));
    expect(missing).toEqual([]);
  });

  // Random records, some broken in one known place: zod and the published JSON Schema both accept
  // exactly the valid ones, and the reader names the line of the first broken one.
  const evidence = fc.record({
    quote: fc.string(),
    input: fc.option(fc.constantFrom("response", "source"), { nil: null }),
    verified: fc.boolean(),
    match: fc.constantFrom("exact", "normalized", "fuzzy", "none"),
  });
  const criterion = fc.record({
    id: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
    verdict: fc.option(fc.constantFrom("met", "unmet", "A", "B", "tie"), { nil: null }),
    rationale: fc.string(),
    evidence: fc.array(evidence, { maxLength: 3 }),
    status: fc.constantFrom("ok", "evidence-unverified", "evidence-unverified:unmet"),
  });
  const valid = fc.record({
    item_id: fc.string({ minLength: 1 }),
    line: fc.integer({ min: 1, max: 1e6 }),
    bundle: fc.constant({ id: "r", version: "1.0.0", hash: HASH }),
    raw_score: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }), { nil: null }),
    flags: fc.array(fc.string(), { maxLength: 3 }),
    judge: fc.constant(judge),
    criteria: fc.array(criterion, { maxLength: 3 }),
    usage: fc.record({ prompt_tokens: fc.nat(), completion_tokens: fc.nat() }),
  });
  type Breaker = [string, (r: Record<string, unknown>) => void];
  const breakers: Breaker[] = [
    [
      "item_id",
      (r) => {
        r.item_id = 7;
      },
    ],
    [
      "line",
      (r) => {
        r.line = 0;
      },
    ],
    [
      "bundle",
      (r) => {
        r.bundle = { id: "r", version: "1", hash: "md5:x" };
      },
    ],
    [
      "raw_score",
      (r) => {
        r.raw_score = "3";
      },
    ],
    [
      "flags",
      (r) => {
        r.flags = [1];
      },
    ],
    [
      "judge",
      (r) => {
        r.judge = { ...judge, format: "yaml" };
      },
    ],
    [
      "usage",
      (r) => {
        r.usage = { prompt_tokens: -1, completion_tokens: 0 };
      },
    ],
    [
      "criteria",
      (r) => {
        r.criteria = [{ id: "c", rationale: "", evidence: [{ quote: "q" }], status: "ok" }];
      },
    ],
    ["flags", (r) => void delete r.flags],
  ];
  const candidate = fc.tuple(valid, fc.option(fc.integer({ min: 0, max: breakers.length - 1 }), { nil: null }));
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(runRecordJsonSchema());

  it("accepts exactly the valid records, in zod and in the published JSON Schema alike", () => {
    fc.assert(
      fc.property(candidate, ([r, b]) => {
        const value = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
        if (b !== null) breakers[b]![1](value);
        const ok = RunRecordSchema.safeParse(value).success;
        expect(ok).toBe(b === null);
        expect(validate(value)).toBe(b === null);
      }),
      { numRuns: 300 },
    );
  });

  it("names the line and the field of the first record that breaks it", () => {
    fc.assert(
      fc.property(
        fc.array(valid, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 0, max: breakers.length - 1 }),
        (rs, at, b) => {
          const values = rs.map((r, i) => ({ ...JSON.parse(JSON.stringify(r)), item_id: `i${i}` }));
          const bad = at % values.length;
          breakers[b]![1](values[bad]!);
          const path = file(lines(...values));
          let message = "";
          try {
            readRecords(path);
          } catch (err) {
            expect(err).toBeInstanceOf(RecordError);
            message = (err as Error).message;
          }
          expect(message).toContain(`${path}:${bad + 1}: not a run record: \`${breakers[b]![0]}`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses a torn last line, duplicate ids and mixed bundles, each with its line", () => {
    const ok = lines(rec("a", 1), rec("b", 2));
    expect(readRecords(file(ok)).map((r) => r.line)).toEqual([1, 2]);
    expect(() => readRecords(file(`${ok}{"item_id":"c","li`))).toThrow(/:3: the last line is cut short/);
    expect(() => readRecords(file(lines(rec("a", 1), rec("a", 2))))).toThrow(
      /:2: item `a` appears twice \(first on line 1\)/,
    );
    const other = { id: "r", version: "2.0.0", hash: `sha256:${"cd".repeat(32)}` };
    expect(() => readRecords(file(lines(rec("a", 1), rec("b", 2, { bundle: other }))))).toThrow(
      /:2: judged with bundle sha256:cdcd.*but line 1 with sha256:abab/,
    );
    expect(() => readRecords(file(`${ok}not json\n`))).toThrow(/:3: not valid JSON/);
  });

  it("keeps fields it does not know in `raw` and drops them from the typed record", () => {
    const [r] = readRecords(file(lines(rec("a", 1, { from_the_future: { x: 1 } }))));
    expect(r!.raw.from_the_future).toEqual({ x: 1 });
    expect("from_the_future" in r!.record).toBe(false);
  });

  it("groups failures by reason with item details taken out", () => {
    expect(failureReason("row 12: missing input `response`")).toBe("missing input `…`");
    const t = new FailureTally();
    const seen: string[] = [];
    eachRecord(
      file(
        lines(
          rec("a", 1, { raw_score: null, error: "row 1: missing input `response`" }),
          rec("b", 2, { raw_score: null, error: "row 2: missing input `prompt`" }),
          rec("c", 3, { raw_score: null, error: "the judge refused: no" }),
          rec("d", 4),
        ),
      ),
      ({ record }) => {
        seen.push(record.item_id);
        if (record.error !== undefined) t.add(record);
      },
    );
    expect(seen).toEqual(["a", "b", "c", "d"]);
    expect(t.describe()).toBe("3 failed items left out: 2 × missing input `…`; 1 × the judge refused: no");
    expect([...t.ids]).toEqual(["a", "b", "c"]);
  });
});
