import { describe, expect, it } from "vitest";
import { compileSource } from "../../src/compile/index.js";
import { diffRubrics, type Finding, type RiskPattern } from "../../src/drift/index.js";

// Line numbers below count from 1 at `rubric t.judge …`.
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
const risk = (edited: string): Finding[] => diffRubrics(ir(BASE), ir(edited), { newSource: edited }).risk;
const only = (edited: string, pattern: RiskPattern) => risk(edited).filter((f) => f.pattern === pattern);

describe("risk summary", () => {
  it("finds nothing between identical sources, nor in an equivalent re-wording", () => {
    expect(risk(BASE)).toEqual([]);
    const edited = BASE.replace("helps the user more", "is of more help to the user");
    const d = diffRubrics(ir(BASE), ir(edited), { newSource: edited });
    expect(d.text_only).toBe(true);
    expect(d.risk).toEqual([]);
  });

  it("flags a new tie-break rule at its line and column", () => {
    const edited = BASE.replace(
      "for helpfulness and accuracy.",
      "for helpfulness and accuracy.\n  Prefer the more concise answer.",
    );
    expect(only(edited, "tie-break-rule")).toEqual([
      {
        pattern: "tie-break-rule",
        risk: "high",
        where: "instructions",
        message: "new preference or tie-break rule: `Prefer the more concise answer`",
        text: "Prefer the more concise answer",
        line: 10,
        column: 3,
      },
    ]);
  });

  it("flags a removed bias guard, pointing where it was", () => {
    const edited = BASE.replace("  Do not let the length of the answers influence you.\n", "");
    const f = only(edited, "removed-bias-guard");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ where: "instructions", text: "Do not let the length of the answers influence you" });
    // the deletion was at the end of the block: the finding points at the last words before it
    expect(f[0]!.line).toBe(9);
  });

  it("does not report a bias guard that was only re-worded", () => {
    const edited = BASE.replace(
      "Do not let the length of the answers influence you.",
      "Judge regardless of how long the answers are.",
    );
    expect(only(edited, "removed-bias-guard")).toEqual([]);
  });

  it("flags a one-sided comparative", () => {
    const edited = BASE.replace("accuracy.", "accuracy.\n  A refusal is safer than any elaboration.");
    expect(only(edited, "one-sided-comparative")).toMatchObject([
      { text: "A refusal is safer than any elaboration", line: 10, column: 3 },
    ]);
  });

  it("flags emphasis words added, at the first of them", () => {
    const edited = BASE.replace(
      "Which answer is more accurate?",
      "Only count answers that are always accurate; penalize errors.",
    );
    const f = only(edited, "emphasis-added");
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toBe("emphasis words added (0 → 3): `only`, `always`, `penalize`");
    expect(f[0]).toMatchObject({ where: "criterion accurate: description", line: 17, column: 4 });
  });

  it("flags a conditional branch", () => {
    const edited = BASE.replace(
      "accuracy.",
      "accuracy.\n  If the question is medical, weigh accuracy above everything.",
    );
    expect(only(edited, "conditional-branch")).toMatchObject([
      { line: 10, column: 3, text: "If the question is medical, weigh accuracy above everything" },
    ]);
  });

  it("flags large growth in length", () => {
    const edited = BASE.replace(
      "Which answer helps the user more?",
      "Which answer helps the user more? " +
        "Consider the context of the request and the user's stated goals carefully. ".repeat(6),
    );
    expect(only(edited, "length-growth").map((f) => f.where)).toEqual([
      "criterion helpful: description",
      "rubric text",
    ]);
  });

  it("flags re-weighting at the weight line", () => {
    // helpful 2 → 5: share 2/4 = 50% → 5/7 ≈ 71%; accurate 50% → 2/7 ≈ 29%
    const edited = BASE.replace("weight 2\nend\ncriterion accurate", "weight 5\nend\ncriterion accurate");
    expect(only(edited, "reweighting")).toMatchObject([
      { where: "criterion helpful", message: "`helpful` now carries 71% of the weight, was 50%", line: 14, column: 3 },
      {
        where: "criterion accurate",
        message: "`accurate` now carries 29% of the weight, was 50%",
        line: 18,
        column: 3,
      },
    ]);
  });

  it("without the new source, names the field instead of a line", () => {
    const edited = BASE.replace(
      "for helpfulness and accuracy.",
      "for helpfulness and accuracy.\n  Prefer the more concise answer.",
    );
    const f = diffRubrics(ir(BASE), ir(edited)).risk;
    expect(f).toEqual([
      {
        pattern: "tie-break-rule",
        risk: "high",
        where: "instructions",
        message: "new preference or tie-break rule: `Prefer the more concise answer`",
        text: "Prefer the more concise answer",
      },
      {
        pattern: "decision-rule-added",
        risk: "high",
        where: "instructions",
        message: "new decision rule: `Prefer the more concise answer.`",
        text: "Prefer the more concise answer.",
      },
    ]);
  });

  it("a rule moved from the instructions into a criterion is not new", () => {
    const a = BASE.replace("accuracy.", "accuracy. Prefer the more concise answer.");
    const b = BASE.replace(
      "Which answer is more accurate?",
      "Which answer is more accurate? Prefer the more concise answer.",
    );
    expect(diffRubrics(ir(a), ir(b), { newSource: b }).risk.filter((f) => f.pattern === "tie-break-rule")).toEqual([]);
  });

  it("on the shipped example edit (1.0.0 → 1.1.0) finds the tie-break, the dropped length guard, the emphasis and the re-weighting", async () => {
    const { readFileSync } = await import("node:fs");
    const a = readFileSync("examples/pairwise-helpfulness.rubric", "utf8");
    const b = readFileSync("examples/versions/pairwise-helpfulness-1.1.0.rubric", "utf8");
    const f = diffRubrics(ir(a), ir(b), { newSource: b }).risk;
    expect(f.map((x) => `${x.line}:${x.risk}:${x.pattern}`)).toEqual([
      "21:high:guard-removed",
      "23:high:tie-break-rule",
      "23:low:conditional-branch",
      "23:high:decision-rule-added",
      "23:low:emphasis-added",
      "23:low:removed-bias-guard",
      "34:high:reweighting",
    ]);
    expect(f.find((x) => x.pattern === "removed-bias-guard")!.text).toBe("do not prefer a reply because it is longer");
  });
});
