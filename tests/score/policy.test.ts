import { describe, expect, it } from "vitest";
import { applyEvidencePolicy, scoreItem } from "../../src/score/index.js";
import { base, criterion, levels, lvl, met, outcomes, vote } from "./fixtures.js";

const bad = <T extends object>(o: T) => ({ ...o, evidence_ok: false });

describe("applyEvidencePolicy", () => {
  it("does nothing when the evidence verified", () => {
    expect(applyEvidencePolicy(criterion("a"), met("a"))).toEqual({ outcome: met("a"), fired: null });
  });
  it("fails closed under `unmet`: unmet, lowest level, checklist 0, pairwise tie", () => {
    expect(applyEvidencePolicy(criterion("a"), bad(met("a")))).toMatchObject({
      fired: "unmet",
      outcome: { verdict: "unmet" },
    });
    expect(applyEvidencePolicy(levels("l", 2, 5), bad(lvl("l", 5))).outcome.level).toBe(2);
    expect(applyEvidencePolicy(criterion("c", { kind: "checklist" }), bad(lvl("c", 2))).outcome.level).toBe(0);
    expect(applyEvidencePolicy(criterion("p"), bad(vote("p", "A"))).outcome.verdict).toBe("tie");
  });
  it("keeps the verdict and adds a flag under `flag`", () => {
    const r = applyEvidencePolicy(criterion("a", { on_evidence_failure: { kind: "flag" } }), bad(met("a")));
    expect(r.fired).toBe("flag");
    expect(r.outcome.verdict).toBe("met");
    expect(r.outcome.flags).toEqual(["evidence-unverified:a"]);
  });
  it("keeps the verdict and returns a cap under `cap`", () => {
    const r = applyEvidencePolicy(criterion("a", { on_evidence_failure: { kind: "cap", value: 2 } }), bad(met("a")));
    expect(r).toMatchObject({
      fired: "cap",
      outcome: { verdict: "met" },
      cap: { id: "evidence:a", action: "cap", value: 2 },
    });
  });
  it("fails closed under `retry` when scoring still sees the failure, and says whether it retried", () => {
    const c = criterion("a", { on_evidence_failure: { kind: "retry" } });
    expect(applyEvidencePolicy(c, bad(met("a")), true)).toMatchObject({
      fired: "retry-then-unmet",
      outcome: { verdict: "unmet" },
    });
    expect(applyEvidencePolicy(c, bad(met("a")), false)).toMatchObject({
      fired: "unmet",
      outcome: { verdict: "unmet" },
    });
  });
  it("feeds scoreItem: a cap lowers the score, a flag only marks it", () => {
    const capped = criterion("a", { on_evidence_failure: { kind: "cap", value: 2 } });
    const flagged = criterion("b", { on_evidence_failure: { kind: "flag" } });
    const ir = base({ criteria: [capped, flagged] });
    const a = applyEvidencePolicy(capped, bad(met("a")));
    const b = applyEvidencePolicy(flagged, bad(met("b")));
    // both met → x = 1 → 5, capped at 2
    const r = scoreItem(ir, ir.criteria, outcomes(a.outcome, b.outcome), [], a.cap ? [a.cap] : []);
    expect(r.raw_score).toBe(2);
    expect(r.flags).toEqual(["evidence-unverified:b"]);
  });
});
