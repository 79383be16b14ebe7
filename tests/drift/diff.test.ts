import { describe, expect, it } from "vitest";
import { diffRubrics, effectiveShares } from "../../src/drift/index.js";
import { check, criterion, gate, rubric, withCriterion } from "./fixtures.js";

describe("diffRubrics on hand-built IR", () => {
  it("finds nothing between identical rubrics", () => {
    const d = diffRubrics(rubric(), rubric());
    expect(d.identical).toBe(true);
    expect(d.text_only).toBe(false);
    expect(d.changes).toEqual([]);
    expect(d.criteria.every((c) => c.status === "unchanged" && c.changes.length === 0)).toBe(true);
    expect(d.risk).toEqual([]);
  });

  it("a version bump alone is no change of meaning", () => {
    const d = diffRubrics(rubric(), rubric({ version: "1.0.1" }));
    expect(d.identical).toBe(true);
    expect(d.changes).toEqual([{ field: "version", before: "1.0.0", after: "1.0.1" }]);
  });

  it("shows a re-worded but equivalent criterion as a word-level text change only", () => {
    const b = withCriterion(rubric(), "clarity", { description: "Is the response's handling of clarity good?" });
    const d = diffRubrics(rubric(), b);
    expect(d.identical).toBe(false);
    expect(d.text_only).toBe(true);
    const c = d.criteria.find((x) => x.id === "clarity")!;
    expect(c.status).toBe("changed");
    expect(c.changes.map((x) => x.field)).toEqual(["description"]);
    expect(c.changes[0]!.text!.inline).toBe(
      "[-Does-]{+Is+} the response[- handle-]{+'s handling of+} clarity [-well-]{+good+}?",
    );
    expect(d.summary).toMatchObject({ criteria_changed: 1, text_changes: 1, settings_changed: 0 });
    expect(d.risk).toEqual([]);
  });

  it("reports weights with each criterion's effective share before and after", () => {
    // before: weights 2, 1, 1 → shares 2/4, 1/4, 1/4; after: accuracy 6 → 6/8, 1/8, 1/8
    const d = diffRubrics(rubric(), withCriterion(rubric(), "accuracy", { weight: 6 }));
    const acc = d.criteria.find((x) => x.id === "accuracy")!;
    expect(acc.share_before).toBe(0.5);
    expect(acc.share_after).toBe(0.75);
    expect(acc.changes).toEqual([{ field: "weight", before: 2, after: 6 }]);
    expect(d.criteria.find((x) => x.id === "clarity")).toMatchObject({
      status: "unchanged",
      share_before: 0.25,
      share_after: 0.125,
    });
    expect(d.text_only).toBe(false);
  });

  it("counts weighted checks and penalties in the shares", () => {
    // positive weights: accuracy 2, clarity 1, safety 1, check words 4 → total 8; penalty −2 → −2/8
    const r = rubric({
      criteria: [...rubric().criteria, criterion("padding", { weight: null, points: -2 })],
      checks: [check("words", { weight: 4 }), check("unscored")],
    });
    const s = effectiveShares(r);
    expect(s.get("accuracy")).toBe(0.25);
    expect(s.get("words")).toBe(0.5);
    expect(s.get("padding")).toBe(-0.25);
    expect(s.has("unscored")).toBe(false);
  });

  it("matches a renamed criterion by its text, and tells added from removed", () => {
    const b = rubric({
      criteria: [
        criterion("accuracy", { weight: 2 }),
        criterion("clear_writing", {
          title: "Title of clarity",
          description: "Does the response handle clarity well?",
        }),
        criterion("tone", { title: "Tone", description: "Is it polite and warm towards the user?" }),
      ],
    });
    // "clarity" and "clear_writing" share every word (Dice 1); "safety" and "tone" share only "the"
    const d = diffRubrics(rubric(), b);
    expect(d.criteria.find((c) => c.id === "clear_writing")).toMatchObject({
      status: "renamed",
      renamed_from: "clarity",
      similarity: 1,
      changes: [{ field: "id", before: "clarity", after: "clear_writing" }],
    });
    expect(d.criteria.find((c) => c.id === "safety")).toMatchObject({
      status: "removed",
      share_before: 0.25,
      share_after: null,
    });
    expect(d.criteria.find((c) => c.id === "tone")).toMatchObject({
      status: "added",
      share_before: null,
      share_after: 0.25,
    });
    expect(d.summary).toMatchObject({ criteria_added: 1, criteria_removed: 1, criteria_renamed: 1 });
    expect(d.risk.map((f) => f.pattern)).toEqual(expect.arrayContaining(["criterion-removed", "criterion-added"]));
  });

  it("reports levels and anchors, scale, mode, judge, evidence, gates and aggregation field by field", () => {
    const levels = [
      { value: 1, anchor: "Wrong." },
      { value: 2, anchor: "Partly right." },
      { value: 3, anchor: "Right." },
    ];
    const a = withCriterion(rubric({ gates: [gate("unsafe")] }), "accuracy", { kind: "levels", levels });
    const b = withCriterion(
      rubric({
        scale: { kind: "numeric", min: 0, max: 10, step: 0.5 },
        judge: { ...rubric().judge, temperature: 0.7 },
        aggregation: { method: "minimum", rounding: "half_up" },
        gates: [gate("unsafe", { action: { kind: "cap", value: 2 } }), gate("off_topic")],
      }),
      "accuracy",
      {
        kind: "levels",
        levels: [
          levels[0]!,
          { value: 2, anchor: "Mostly right." },
          levels[2]!,
          { value: 4, anchor: "Right and complete." },
        ],
        evidence: { min_quotes: 1, max_quotes: null, max_words: 40, from: ["response"] },
      },
    );
    const d = diffRubrics(a, b);
    expect(d.changes.map((c) => c.field)).toEqual([
      "scale.min",
      "scale.max",
      "scale.step",
      "judge.temperature",
      "aggregation.method",
    ]);
    const acc = d.criteria.find((c) => c.id === "accuracy")!;
    expect(acc.changes.map((c) => c.field)).toEqual([
      "level 2",
      "level 4",
      "evidence.min_quotes",
      "evidence.max_words",
    ]);
    expect(acc.changes[0]!.text!.inline).toBe("[-Partly-]{+Mostly+} right.");
    expect(acc.changes[1]).toMatchObject({ before: null, after: "Right and complete." });
    expect(d.gates).toEqual([
      { id: "unsafe", status: "changed", changes: [{ field: "action.value", before: 1, after: 2 }] },
      { id: "off_topic", status: "added", changes: [] },
    ]);
    expect(d.risk.map((f) => f.pattern)).toEqual(
      expect.arrayContaining(["scoring-changed", "judge-changed", "gate-changed"]),
    );
  });
});
