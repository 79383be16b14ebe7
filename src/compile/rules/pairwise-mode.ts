import type { RuleContext } from "../context.js";
import { single } from "../context.js";
import { suggest } from "../suggest.js";

/** spec.md §Mode: a pairwise rubric compares two distinct declared inputs. */
export function pairwiseMode(ctx: RuleContext): void {
  const m = single(ctx.decls, "Mode");
  if (m?.mode !== "pairwise") return;
  const compares = m.settings.filter((s) => s.kind === "Compare");
  if (compares.length === 0) {
    ctx.error(
      "pairwise-needs-compare",
      "a pairwise rubric must say what it compares; add `compare response_a and response_b` inside `mode pairwise`",
      m.loc,
    );
    return;
  }
  const c = compares[0]!;
  if (c.kind !== "Compare") return;
  for (const side of [c.a, c.b]) {
    if (!ctx.inputNames.has(side.name))
      ctx.error(
        "unknown-input",
        `\`compare\` names \`${side.name}\`, which is not a declared input${suggest(side.name, [...ctx.inputNames])}`,
        side.loc,
      );
  }
  if (c.a.name === c.b.name)
    ctx.error(
      "pairwise-needs-compare",
      `a pairwise rubric must compare two different inputs, not \`${c.a.name}\` with itself`,
      c.loc,
    );
  const scored = ctx.decls.criteria.filter((cr) =>
    cr.settings.some((s) => s.kind === "Levels" || (s.kind === "Kind" && s.criterionKind === "checklist")),
  );
  for (const cr of scored)
    ctx.error(
      "pairwise-criterion-kind",
      `criterion \`${cr.id.name}\` has levels, but pairwise criteria are decided as A, B or tie; remove its levels`,
      cr.id.loc,
    );
}
