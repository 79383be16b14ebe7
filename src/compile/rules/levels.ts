import type * as A from "../../syntax/ast.js";
import type { RuleContext } from "../context.js";
import { single } from "../context.js";
import { numberOf } from "../values.js";

function levelsOf(c: A.CriterionDecl): Extract<A.CriterionSetting, { kind: "Levels" }> | undefined {
  return c.settings.find((s): s is Extract<A.CriterionSetting, { kind: "Levels" }> => s.kind === "Levels");
}

/**
 * spec.md §Levels: an ordinal criterion has an anchor for every whole level from its lowest to
 * its highest, each level once; checklist anchors are 0, 1, 2. Under `aggregate sum` the level
 * values are added into the score, so they must lie within the scale; under the other methods
 * levels are normalised to 0..1 first, and a 1–4 trait on a 0–100 scale is fine.
 */
export function levelAnchors(ctx: RuleContext): void {
  const scale = single(ctx.decls, "Scale");
  const summed = single(ctx.decls, "Aggregate")?.method === "sum";
  const lo = scale && !scale.passFail && summed ? numberOf(scale.min) : undefined;
  const hi = scale && !scale.passFail && summed ? numberOf(scale.max) : undefined;
  for (const c of ctx.decls.criteria) {
    const block = levelsOf(c);
    if (!block) continue;
    const checklist = c.settings.some((s) => s.kind === "Kind" && s.criterionKind === "checklist");
    if (block.levels.length === 0) {
      ctx.error(
        "levels-missing",
        `criterion \`${c.id.name}\` has an empty \`levels\` block; add one anchor per level, e.g. \`1 "Poor"\``,
        block.loc,
      );
      continue;
    }
    const seen = new Map<number, A.LevelNode>();
    for (const l of block.levels) {
      const v = numberOf(l.value);
      if (v === undefined || !Number.isInteger(v)) {
        ctx.error("invalid-level", `level \`${l.value.raw}\` of \`${c.id.name}\` must be a whole number`, l.value.loc);
        continue;
      }
      if (seen.has(v))
        ctx.error("duplicate-level", `level ${v} of \`${c.id.name}\` has two anchors; keep one`, l.value.loc);
      seen.set(v, l);
      if (l.anchor.value.trim() === "")
        ctx.error(
          "empty-anchor",
          `level ${v} of \`${c.id.name}\` has an empty anchor; say what a response at this level looks like`,
          l.anchor.loc,
        );
      if (checklist) {
        if (v < 0 || v > 2)
          ctx.error(
            "level-out-of-scale",
            `checklist \`${c.id.name}\` has level ${v}; checklist levels are 0, 1 and 2`,
            l.value.loc,
          );
      } else if (lo !== undefined && hi !== undefined && (v < lo || v > hi)) {
        ctx.error(
          "level-out-of-scale",
          `level ${v} of \`${c.id.name}\` is outside the scale ${lo} to ${hi}, and \`aggregate sum\` adds level values into the score; renumber the levels or widen the scale`,
          l.value.loc,
        );
      }
    }
    if (checklist || seen.size === 0) continue;
    const values = [...seen.keys()].sort((a, b) => a - b);
    if (values.length < 2) {
      ctx.error(
        "levels-missing",
        `criterion \`${c.id.name}\` has only one level; an ordinal criterion needs at least two`,
        block.loc,
      );
      continue;
    }
    const missing: number[] = [];
    for (let v = values[0]!; v <= values[values.length - 1]! && missing.length < 20; v++)
      if (!seen.has(v)) missing.push(v);
    if (missing.length) {
      ctx.error(
        "level-anchor-missing",
        `criterion \`${c.id.name}\` has no anchor for level${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; add one so the judge knows what ${missing.length > 1 ? "they mean" : "it means"}`,
        block.loc,
      );
    }
  }
}
