import type { RuleContext } from "../context.js";
import { single } from "../context.js";
import { numberOf, onStep } from "../values.js";

/** spec.md §Scale: min < max, step > 0, and the range is a whole number of steps. */
export function scaleValid(ctx: RuleContext): void {
  const s = single(ctx.decls, "Scale");
  if (!s || s.passFail) return;
  const min = numberOf(s.min);
  const max = numberOf(s.max);
  const step = s.step ? numberOf(s.step) : 1;
  if (min === undefined) ctx.error("invalid-scale", `scale minimum \`${s.min!.raw}\` is not a number`, s.min!.loc);
  if (max === undefined) ctx.error("invalid-scale", `scale maximum \`${s.max!.raw}\` is not a number`, s.max!.loc);
  if (step === undefined || step <= 0) {
    ctx.error("invalid-scale", `scale step \`${s.step!.raw}\` must be a positive number`, s.step!.loc);
    return;
  }
  if (min === undefined || max === undefined) return;
  if (min >= max)
    ctx.error("invalid-scale", `scale goes from ${min} to ${max}; the minimum must be below the maximum`, s.loc);
  else if (!onStep(max, min, step))
    ctx.error(
      "invalid-scale",
      `the range ${min} to ${max} is not a whole number of steps of ${step}; change the step or the bounds`,
      s.step?.loc ?? s.loc,
    );
  else if ((max - min) / step > 10_000)
    ctx.error(
      "invalid-scale",
      `a scale of ${Math.round((max - min) / step)} steps is too fine to judge; use a coarser step`,
      s.loc,
    );
}
