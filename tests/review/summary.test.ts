import { describe, expect, it } from "vitest";
import { summarise } from "../../src/review/summary.js";

describe("item summaries (what the disagreements-first order reads)", () => {
  it("weighs order inconsistency, split votes, sample spread, rejected quotes and flags", () => {
    expect(summarise({ item_id: 7, raw_score: 3, criteria: [] })).toEqual({
      id: "7",
      score: 3,
      preferred: null,
      doubt: 0,
    });
    const r = {
      item_id: "a",
      raw_score: 0.5,
      preferred: "tie",
      position: { consistent: 0, inconsistent: 1 },
      votes: ["A", "B"],
      raw_score_sd: 0.25,
      flags: ["position-inconsistent"],
      criteria: [{ id: "c", evidence: [{ verified: true }, { verified: false }, {}, { verified: true }] }],
    };
    expect(summarise(r)).toEqual({ id: "a", score: 0.5, preferred: "tie", doubt: 1 + 1 + 0.25 + 0.5 + 0.5 });
    expect(summarise({ item_id: "x", raw_score: "3", criteria: "nonsense" }).score).toBeNull();
  });
});
