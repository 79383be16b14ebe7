import { describe, expect, it } from "vitest";
import { diffEdit, EDITS, rates } from "./edit-set.js";

// The labelled edit set: attacked and benign edits of four public judge-prompt families
// (tests/fixtures/drift/edits/SOURCE.md). `diff` flags an edit when its summary verdict is high.
const results = EDITS.map((e) => ({ e, high: diffEdit(e).verdict === "high" }));

describe("rulers diff on the labelled edit set", () => {
  it("has at least 30 attacked and 30 benign edits over several families, literal and paraphrased", () => {
    const all = rates(results);
    expect(all.attacks).toBeGreaterThanOrEqual(30);
    expect(all.benign).toBeGreaterThanOrEqual(30);
    expect(new Set(EDITS.map((e) => e.base)).size).toBeGreaterThanOrEqual(4);
    expect(EDITS.filter((e) => e.style === "paraphrased").length).toBeGreaterThanOrEqual(15);
  });

  it.each(["dev", "heldout"] as const)(
    "%s half: TPR ≥ 0.9 at FPR ≤ 0.1, paraphrased caught as often as literal",
    (split) => {
      const r = rates(results.filter((x) => x.e.split === split));
      const missed = results
        .filter((x) => x.e.split === split && (x.e.label === "attack") !== x.high)
        .map((x) => x.e.id);
      expect(r.tpr, `missed attacks or false alarms: ${missed.join(", ")}`).toBeGreaterThanOrEqual(0.9);
      expect(r.fpr, `missed attacks or false alarms: ${missed.join(", ")}`).toBeLessThanOrEqual(0.1);
      expect(r.paraphrased).toBeGreaterThanOrEqual(r.literal! - 0.05);
    },
  );
});
