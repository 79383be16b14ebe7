import type * as A from "../../syntax/ast.js";
import type { RuleContext } from "../context.js";

/** spec.md §Criteria: one kind per criterion, and weight or points, not both. */
export function criterionShape(ctx: RuleContext): void {
  for (const c of ctx.decls.criteria) {
    const kinds = c.settings.filter(
      (s): s is Extract<A.CriterionSetting, { kind: "Kind" | "Levels" }> => s.kind === "Kind" || s.kind === "Levels",
    );
    const names = kinds.map((k) => (k.kind === "Levels" ? "levels" : k.criterionKind));
    const isChecklist = names.includes("checklist");
    const conflicting = new Set(names.filter((n) => !(isChecklist && n === "levels")));
    if (conflicting.size > 1 || names.filter((n) => n !== "levels").length > 1) {
      ctx.error(
        "conflicting-kind",
        `criterion \`${c.id.name}\` is declared as ${[...new Set(names)].join(" and ")}; keep one kind`,
        kinds[1]!.loc,
      );
    }
    const weights = c.settings.filter(
      (s) => s.kind === "Setting" && (s.key === "weight" || s.key === "points"),
    ) as A.Setting[];
    const keys = new Set(weights.map((w) => w.key));
    if (keys.size > 1)
      ctx.error(
        "weight-and-points",
        `criterion \`${c.id.name}\` has both a weight and points; use weights for a weighted mean or points for a points total`,
        weights[1]!.loc,
      );
    else if (weights.length > 1)
      ctx.error(
        "duplicate-setting",
        `criterion \`${c.id.name}\` sets \`${weights[1]!.key}\` twice; keep one`,
        weights[1]!.loc,
      );
    const descriptions = c.settings.filter((s) => s.kind === "Text");
    if (descriptions.length > 1)
      ctx.error(
        "duplicate-setting",
        `criterion \`${c.id.name}\` has more than one description text; merge them into one`,
        descriptions[1]!.loc,
      );
    for (const key of ["EvidenceRule", "EvidencePolicy"] as const) {
      const list = c.settings.filter((s) => s.kind === key);
      if (list.length > 1)
        ctx.error(
          "duplicate-setting",
          `criterion \`${c.id.name}\` has more than one ${key === "EvidenceRule" ? "`evidence` rule" : "`if evidence fails` policy"}; merge them`,
          list[1]!.loc,
        );
    }
  }
  for (const c of ctx.decls.checks) {
    const keys = new Set(c.settings.map((s) => s.key));
    if (keys.size > 1)
      ctx.error(
        "weight-and-points",
        `check \`${c.id.name}\` has both a weight and points; keep one`,
        c.settings[1]!.loc,
      );
  }
}
