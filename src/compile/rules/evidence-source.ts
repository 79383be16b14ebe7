import type { RuleContext } from "../context.js";
import { single } from "../context.js";

/**
 * spec.md §Evidence: with several quotable inputs, a criterion that asks for evidence without
 * saying from which one leaves the judge to choose (a warning). Pairwise rubrics are exempt:
 * there the two compared inputs are the natural sources.
 */
export function ambiguousEvidence(ctx: RuleContext): void {
  const quotable = ctx.decls.inputs.filter((i) => i.quotable);
  if (quotable.length < 2 || single(ctx.decls, "Mode")?.mode === "pairwise") return;
  for (const c of ctx.decls.criteria) {
    const rule = c.settings.find((s) => s.kind === "EvidenceRule");
    if (rule && rule.kind === "EvidenceRule" && rule.from.length === 0) {
      ctx.warn(
        "evidence-source-unspecified",
        `criterion \`${c.id.name}\` asks for evidence without saying from which input; quotes may come from any of ${quotable.map((q) => `\`${q.name.name}\``).join(", ")} — add \`from <input>\` to be exact`,
        rule.loc,
      );
    }
  }
}
