import type * as A from "../../syntax/ast.js";
import type { RuleContext } from "../context.js";
import { single } from "../context.js";
import { suggest } from "../suggest.js";
import { numberOf } from "../values.js";

function atoms(c: A.ConditionNode): A.ConditionNode[] {
  return c.kind === "LogicalCondition" ? c.operands.flatMap(atoms) : [c];
}

/** spec.md §Gates: a gate names existing criteria or checks, and its score lies on the scale. */
export function gateReferences(ctx: RuleContext): void {
  const template = single(ctx.decls, "Template");
  const scale = single(ctx.decls, "Scale");
  const lo = scale ? (scale.passFail ? 0 : numberOf(scale.min)) : undefined;
  const hi = scale ? (scale.passFail ? 1 : numberOf(scale.max)) : undefined;
  for (const g of ctx.decls.gates) {
    for (const a of atoms(g.when)) {
      if (a.kind === "LogicalCondition") continue;
      const target = ctx.scored.get(a.ref.name);
      if (!target) {
        // Per-item criteria are only known per row; a template rubric may gate on them by id.
        if (template) continue;
        ctx.error(
          "unknown-reference",
          `gate \`${g.id.name}\` refers to \`${a.ref.name}\`, which is not a criterion or check${suggest(a.ref.name, [...ctx.scored.keys()])}`,
          a.ref.loc,
        );
        continue;
      }
      if (a.kind === "MetCondition" && !a.met && target.kind === "Criterion") {
        // "Unmet" on a levels criterion means "below the top level", which few authors intend.
        const levels = target.settings.find((s) => s.kind === "Levels");
        if (levels)
          ctx.warn(
            "unmet-on-levels",
            `\`${a.ref.name} is ${a.word}\` on a criterion with levels means "below its top level"; say which levels, e.g. \`${a.ref.name} level below 2\``,
            a.loc,
          );
      }
      if (a.kind === "LevelCondition") {
        const hasLevels =
          target.kind === "Criterion" &&
          target.settings.some((s) => s.kind === "Levels" || (s.kind === "Kind" && s.criterionKind === "checklist"));
        if (!hasLevels)
          ctx.error(
            "condition-needs-levels",
            `\`${a.ref.name}\` has no levels, so \`level\` conditions cannot apply; use \`${a.ref.name} is met\` or \`is unmet\``,
            a.loc,
          );
        if (numberOf(a.value) === undefined)
          ctx.error(
            "invalid-setting",
            `level \`${a.value.raw}\` in gate \`${g.id.name}\` is not a number`,
            a.value.loc,
          );
      }
    }
    const v = numberOf(g.value);
    if (v === undefined)
      ctx.error("invalid-setting", `gate \`${g.id.name}\` score \`${g.value.raw}\` is not a number`, g.value.loc);
    else if (lo !== undefined && hi !== undefined && (v < lo || v > hi)) {
      ctx.error(
        "gate-value-out-of-scale",
        `gate \`${g.id.name}\` sets the score to ${v}, outside the scale ${lo} to ${hi}`,
        g.value.loc,
      );
    }
  }
}
