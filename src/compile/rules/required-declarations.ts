import type { RuleContext } from "../context.js";
import { single } from "../context.js";

/** spec.md §Inputs, §Scale, §Instructions: a rubric needs inputs, a scale (pointwise), and something to judge. */
export function requiredDeclarations(ctx: RuleContext): void {
  const h = ctx.file.header;
  if (!h || h.form === "part") return;
  const at = { start: h.loc.start, end: h.loc.start + h.form.length };
  if (ctx.decls.inputs.length === 0)
    ctx.error(
      "no-inputs",
      'the rubric declares no inputs; add e.g. `input response "The answer being judged", quotable`',
      at,
    );
  const mode = single(ctx.decls, "Mode");
  if (!single(ctx.decls, "Scale") && mode?.mode !== "pairwise") {
    ctx.error("missing-scale", "the rubric has no scale; add e.g. `scale 1 to 6` or `scale pass or fail`", at);
  }
  const hasTemplate = single(ctx.decls, "Template") !== undefined;
  if (
    ctx.decls.criteria.length === 0 &&
    !single(ctx.decls, "Instructions") &&
    !hasTemplate &&
    ctx.decls.checks.length === 0
  ) {
    ctx.error(
      "empty-rubric",
      "the rubric has no criteria, checks or instructions; add a `criterion` or `instructions` block",
      at,
    );
  }
}
