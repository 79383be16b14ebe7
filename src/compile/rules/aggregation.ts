import type { RuleContext } from "../context.js";
import { single } from "../context.js";
import { suggest } from "../suggest.js";

export const AGGREGATIONS: Record<string, "weighted_mean" | "points" | "minimum" | "sum"> = {
  "weighted mean": "weighted_mean",
  mean: "weighted_mean",
  points: "points",
  minimum: "minimum",
  min: "minimum",
  sum: "sum",
};
export const ROUNDINGS: Record<string, "half_up" | "half_even" | "down" | "up" | "none"> = {
  "half up": "half_up",
  "half even": "half_even",
  down: "down",
  up: "up",
  none: "none",
};

/** spec.md §Aggregation and rounding: the method and rounding are ones rulers knows. */
export function aggregationKnown(ctx: RuleContext): void {
  const a = single(ctx.decls, "Aggregate");
  if (a && !(a.method in AGGREGATIONS)) {
    ctx.error(
      "unknown-aggregation",
      `unknown aggregation \`${a.method}\`; use \`weighted mean\`, \`points\`, \`minimum\` or \`sum\`${suggest(a.method, Object.keys(AGGREGATIONS))}`,
      a.methodLoc,
    );
  }
  const r = single(ctx.decls, "Rounding");
  if (r && !(r.mode in ROUNDINGS)) {
    ctx.error(
      "unknown-rounding",
      `unknown rounding \`${r.mode}\`; use \`half up\`, \`half even\`, \`down\`, \`up\` or \`none\``,
      r.modeLoc,
    );
  }
  if (a && AGGREGATIONS[a.method] === "points") {
    const positive = ctx.decls.criteria.some((c) =>
      c.settings.some((s) => s.kind === "Setting" && s.key === "points" && Number(s.value.raw) > 0),
    );
    const template = single(ctx.decls, "Template");
    if (!positive && !template && ctx.decls.criteria.length > 0) {
      ctx.error(
        "no-positive-points",
        "`aggregate points` divides by the positive points, but no criterion has positive points; give at least one criterion `points N`",
        a.loc,
      );
    }
  }
}
