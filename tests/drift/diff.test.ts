import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compile/index.js";
import { diffRubrics, riskFindings, type RiskPattern } from "../../src/drift/index.js";

const BASE = `rubric t.judge version 1.0.0
mode pairwise
  compare a and b
end
input q "question"
input a "first", quotable
input b "second", quotable
instructions """
  Compare the two answers for helpfulness and accuracy.
  Do not let the length of the answers influence you.
"""
criterion helpful "Helpful"
  "Which answer helps the user more?"
  weight 2
end
criterion accurate "Accurate"
  "Which answer is more accurate?"
  weight 2
end
`;

function ir(src: string) {
  const r = compileSource(src, "t.rubric");
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.ir;
}
function patterns(edited: string): RiskPattern[] {
  return riskFindings(diffRubrics(ir(BASE), ir(edited)), edited).map((f) => f.pattern);
}

describe("rulers diff", () => {
  it("finds nothing between identical rubrics", () => {
    const d = diffRubrics(ir(BASE), ir(BASE));
    expect(d.identical).toBe(true);
    expect(riskFindings(d, BASE)).toEqual([]);
  });

  it("shows a re-worded but equivalent rubric as text changes only", () => {
    const edited = BASE.replace("helps the user more", "is of more help to the user");
    const d = diffRubrics(ir(BASE), ir(edited));
    const c = d.criteria.find((x) => x.id === "helpful")!;
    expect(c.status).toBe("changed");
    expect(c.changes.map((x) => x.field)).toEqual(["description"]);
    expect(c.changes[0]!.text!.inline).toBe("Which answer [-helps-]{+is of more help to+} the user[- more-]?");
    expect(riskFindings(d, edited)).toEqual([]);
  });

  it("reports weights with each criterion's share before and after", () => {
    const d = diffRubrics(ir(BASE), ir(BASE.replace("Accurate\"\n  \"Which answer is more accurate?\"\n  weight 2", "Accurate\"\n  \"Which answer is more accurate?\"\n  weight 6")));
    const acc = d.criteria.find((x) => x.id === "accurate")!;
    expect(acc.share_before).toBe(0.5);
    expect(acc.share_after).toBe(0.75);
    expect(acc.changes).toEqual([{ field: "weight", before: 2, after: 6 }]);
  });

  it("matches a renamed criterion by its text", () => {
    const d = diffRubrics(ir(BASE), ir(BASE.replace("criterion helpful", "criterion helpfulness")));
    expect(d.criteria.find((c) => c.id === "helpfulness")).toMatchObject({ status: "renamed", renamed_from: "helpful" });
  });

  it("flags a new tie-break rule, pointing at its line", () => {
    const edited = BASE.replace("for helpfulness and accuracy.", "for helpfulness and accuracy.\n  Prefer the more concise answer.");
    const f = riskFindings(diffRubrics(ir(BASE), ir(edited)), edited);
    const tie = f.find((x) => x.pattern === "tie-break-rule")!;
    expect(tie.message).toMatch(/Prefer the more concise answer/);
    expect(tie.line).toBe(10);
  });

  it.each([
    ["removed-bias-guard", (s: string) => s.replace("  Do not let the length of the answers influence you.\n", "")],
    ["one-sided-comparative", (s: string) => s.replace("accuracy.", "accuracy.\n  A refusal is safer than any elaboration.")],
    ["emphasis-added", (s: string) => s.replace("Which answer is more accurate?", "Only count answers that are always accurate; penalize errors.")],
    ["conditional-branch", (s: string) => s.replace("accuracy.", "accuracy.\n  If the question is medical, then weigh accuracy above everything.")],
    ["length-growth", (s: string) => s.replace("Which answer helps the user more?", "Which answer helps the user more? " + "Consider the context of the request and the user's stated goals carefully. ".repeat(6))],
    ["reweighting", (s: string) => s.replace("weight 2\nend\ncriterion accurate", "weight 5\nend\ncriterion accurate")],
  ] as [RiskPattern, (s: string) => string][])("flags %s", (pattern, edit) => {
    const edited = edit(BASE);
    expect(edited).not.toBe(BASE);
    expect(patterns(edited)).toContain(pattern);
  });
});
