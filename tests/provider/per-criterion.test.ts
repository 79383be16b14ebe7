import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileRubric, runCli } from "../helpers/cli.js";
import { type FakeServer, startFakeOpenAI } from "../helpers/fake-openai.js";
import { batchArgv, judgeArgv, readJsonl } from "../helpers/judge-cli.js";
import { schemaOf, validJudge } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-per-criterion-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = readJsonl;

const compile = (name: string, source: string, items?: string) => compileRubric(dir, name, source, items);

async function judge(server: FakeServer, bundle: string, input: string, extra: string[] = []) {
  const out = join(dir, `run-${Math.random().toString(36).slice(2)}.jsonl`);
  const r = await runCli(
    judgeArgv({ bundle, input, out, model: "judge-x", baseURL: server.baseURL }, ["--samples", "1", ...extra]),
  );
  expect(r.code, r.stderr).toBe(0);
  return read(out);
}

const RUBRIC = (judgeBlock: string) => `rubric t.per-criterion version 1.0.0
input question "The question"
input response "The answer", quotable
scale 0 to 1 step 0.5
${judgeBlock}
criterion accurate "Accurate"
  binary
  "The answer is factually correct."
end
criterion polite "Polite"
  binary
  "The answer is courteous."
end
aggregate weighted mean
`;

describe("each criterion separately", () => {
  it("asks one call per criterion with a schema admitting only it, and records exactly what one call would", async () => {
    const rows = join(dir, "rows.jsonl");
    writeFileSync(
      rows,
      [
        { id: "a", question: "2+2?", response: "It is four, happy to help." },
        { id: "b", question: "Capital of France?", response: "Paris, of course." },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    const one = await compile("one", RUBRIC(""));
    const each = await compile("each", RUBRIC("judge\n  each criterion separately\nend"));
    // The same decisions either way: `accurate` met, `polite` unmet for row b.
    const script = validJudge({
      decide: (id, _v, inputs) => (id === "polite" && inputs.response!.startsWith("Paris") ? "unmet" : "met"),
    });
    const s1 = await startFakeOpenAI(script);
    const s2 = await startFakeOpenAI(script);
    try {
      const a = await judge(s1, one, rows);
      const b = await judge(s2, each, rows);
      expect(s1.requests).toHaveLength(2);
      expect(s2.requests).toHaveLength(4);
      for (const r of s2.requests) {
        const crit = schemaOf(r.body).properties.criteria;
        expect(crit.required).toHaveLength(1);
        expect(Object.keys(crit.properties)).toEqual(crit.required);
        expect(r.body.messages.at(-1).content).toContain(`Judge only criterion \`${crit.required[0]}\``);
      }
      expect(b.map((r) => r.raw_score)).toEqual(a.map((r) => r.raw_score));
      expect(b.map((r) => r.raw_score)).toEqual([1, 0.5]);
      for (const [x, y] of a.map((r, i) => [r, b[i]])) {
        expect(Object.keys(y).sort()).toEqual(Object.keys(x).sort());
        expect(y.criteria.map((c: { id: string }) => c.id)).toEqual(x.criteria.map((c: { id: string }) => c.id));
        // Two calls' tokens are counted in one record.
        expect(y.usage.prompt_tokens).toBeGreaterThan(x.usage.prompt_tokens);
      }
      // batch prepare writes the same per-criterion requests; ingest puts them back together.
      const requests = join(dir, "each.requests.jsonl");
      const prep = await runCli(
        batchArgv("prepare", { bundle: each, input: rows, out: requests, model: "judge-x" }, ["--samples", "1"]),
      );
      expect(prep.code, prep.stderr).toBe(0);
      const lines = read(requests);
      expect(lines).toHaveLength(4);
      expect(lines.map((l) => l.custom_id)).toContain("rulers:a:judge-x:s0:AB:c=polite");
      const results = join(dir, "each.results.jsonl");
      writeFileSync(
        results,
        lines
          .map((l, i) =>
            JSON.stringify({
              id: `r${i}`,
              custom_id: l.custom_id,
              response: {
                status_code: 200,
                body: {
                  model: "judge-x",
                  choices: [
                    {
                      message: {
                        content: JSON.stringify((script({ body: l.body } as never) as { json: unknown }).json),
                      },
                      finish_reason: "stop",
                    },
                  ],
                  usage: { prompt_tokens: 10, completion_tokens: 5 },
                },
              },
              error: null,
            }),
          )
          .reverse()
          .join("\n"),
      );
      const ingested = join(dir, "each.ingested.jsonl");
      const ing = await runCli(
        batchArgv("ingest", { bundle: each, input: rows, out: ingested, model: "judge-x" }, [
          "--results",
          results,
          "--samples",
          "1",
        ]),
      );
      expect(ing.code, ing.stderr).toBe(0);
      expect(read(ingested).map((r) => r.raw_score)).toEqual([1, 0.5]);
    } finally {
      await s1.close();
      await s2.close();
    }
  });

  it("grades an imported HealthBench example the way the official grader does: one call per rubric item, met points over positive points, clipped", async () => {
    const imported = join(dir, "hb");
    const imp = await runCli([
      "import",
      "--from",
      "healthbench",
      "tests/fixtures/import/healthbench.jsonl",
      "--out",
      imported,
    ]);
    expect(imp.code).not.toBe(2);
    const source = readFileSync(join(imported, "healthbench.rubric"), "utf8");
    expect(source).toContain("each criterion separately");
    // HealthBench rows carry no response: add one to grade.
    const rows = read(join(imported, "healthbench.jsonl")).map((r) => ({ ...r, response: "See your OB-GYN soon." }));
    const input = join(dir, "hb-rows.jsonl");
    writeFileSync(input, rows.map((r) => JSON.stringify(r)).join("\n"));
    const bundle = await compile("hb", source, input);
    // The grader says met for every odd-numbered item (c1, c3, …), negative ones included.
    const met = (id: string) => Number(id.slice(1)) % 2 === 1;
    const server = await startFakeOpenAI(validJudge({ decide: (id) => (met(id) ? "met" : "unmet") }));
    try {
      const records = await judge(server, bundle, input);
      const items = rows.reduce((n, r) => n + r.rubrics.length, 0);
      expect(server.requests).toHaveLength(items);
      for (const r of server.requests) {
        // Each prompt shows one rubric item only.
        const ids = Object.keys(schemaOf(r.body).properties.criteria.properties);
        expect(ids).toHaveLength(1);
      }
      for (const row of rows) {
        const rec = records.find((x) => x.item_id === row.id)!;
        // The official formula, computed here from the row alone.
        const achieved = row.rubrics.reduce(
          (a: number, c: { id: string; points: number }) => a + (met(c.id) ? c.points : 0),
          0,
        );
        const possible = row.rubrics.reduce((a: number, c: { points: number }) => a + Math.max(0, c.points), 0);
        const official = Math.min(1, Math.max(0, achieved / possible));
        expect(rec.raw_score, row.id).toBeCloseTo(official, 2);
      }
    } finally {
      await server.close();
    }
  });
});
