import type { RuleContext } from "../context.js";

/** spec.md §Criteria (sections): an empty section is almost always an unfinished edit (warning). */
export function sectionsNonEmpty(ctx: RuleContext): void {
  const titles = new Set<string>();
  for (const s of ctx.decls.sections) {
    if (s.members.length === 0)
      ctx.warn(
        "empty-section",
        `section \`${s.title.value}\` has no criteria or checks; add some or remove it`,
        s.title.loc,
      );
    if (titles.has(s.title.value))
      ctx.error("duplicate-section", `section \`${s.title.value}\` appears twice; merge the two`, s.title.loc);
    titles.add(s.title.value);
  }
}
