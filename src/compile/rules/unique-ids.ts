import type { RuleContext } from "../context.js";

/** spec.md §Criteria: criteria, checks and gates share one namespace; each id is defined once. */
export function uniqueIds(ctx: RuleContext): void {
  const seen = new Map<string, string>();
  const all = [
    ...ctx.decls.criteria.map((d) => ["criterion", d.id] as const),
    ...ctx.decls.checks.map((d) => ["check", d.id] as const),
    ...ctx.decls.gates.map((d) => ["gate", d.id] as const),
  ].sort((a, b) => a[1].loc.start - b[1].loc.start);
  for (const [what, id] of all) {
    const first = seen.get(id.name);
    if (ctx.importedIds.has(id.name)) {
      ctx.error("duplicate-id", `${what} \`${id.name}\` is also defined by an imported part; rename this one`, id.loc);
    } else if (first) {
      ctx.error(
        "duplicate-id",
        `${what} \`${id.name}\` is defined twice (first as a ${first}); rename one of them`,
        id.loc,
      );
    } else seen.set(id.name, what);
  }
}
