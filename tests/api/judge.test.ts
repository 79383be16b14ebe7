/**
 * The library's judge(): the same records as `rulers judge`, streamed in input order, with
 * refusals before any call and a consumer that may stop early.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBundle } from "../../src/api/bundles.js";
import { judge } from "../../src/api/judge.js";
import { RulersError, RunRecordSchema } from "../../src/index.js";
import { type FakeOpenAI, startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI((r) => ({ json: answerFor(r.body) }));
});
afterAll(() => server.close());

const bundle = () => loadBundle("bundles/asap.persuasive-essay/1.0.0/bundle.json");
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `e${i}`,
    prompt: "Argue a position.",
    essay: `Essay number ${i} argues.`,
  }));

describe("judge()", () => {
  it("yields one contract-valid record per row, in input order, and a summary", async () => {
    const run = judge(bundle(), rows(5), {
      model: "judge-m",
      baseURL: server.baseURL,
      apiKey: "k",
      onWarning: () => {},
    });
    const seen: string[] = [];
    for await (const r of run) {
      expect(RunRecordSchema.safeParse(r).success).toBe(true);
      seen.push(r.item_id);
    }
    expect(seen).toEqual(["e0", "e1", "e2", "e3", "e4"]);
    const summary = await run.summary;
    expect(summary.items).toBe(5);
    expect(summary.scored).toBe(5);
  });

  it("takes rows from an async iterable and lets the consumer stop early without hanging", async () => {
    async function* gen() {
      for (const r of rows(200)) yield r;
    }
    const run = judge(bundle(), gen(), {
      model: "judge-m",
      baseURL: server.baseURL,
      apiKey: "k",
      concurrency: 2,
      onWarning: () => {},
    });
    let n = 0;
    for await (const _ of run) if (++n === 3) break;
    expect(n).toBe(3);
    await expect(run.summary).resolves.toBeDefined();
  });

  it("refuses before any call: no model, a calibrator for another bundle", () => {
    const before = server.requests.length;
    expect(() => judge(bundle(), rows(1), { model: [] })).toThrow(RulersError);
    const cal = { hash: "sha256:x", body: { bundle: { id: "a", version: "1", hash: "sha256:other" } } } as never;
    try {
      judge(bundle(), rows(1), {
        model: "m",
        baseURL: server.baseURL,
        apiKey: "k",
        calibrator: cal,
        onWarning: () => {},
      });
      expect.unreachable();
    } catch (err) {
      expect((err as RulersError).code).toBe("calibrator_mismatch");
    }
    expect(server.requests.length).toBe(before);
  });
});
