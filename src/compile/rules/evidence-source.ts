import type { RuleContext } from "../context.js";
import { single } from "../context.js";

/** spec.md §Inputs: a quotable input no evidence can come from is suspicious only in pairwise
 * rubrics that compare other inputs; every other input is shown to the judge, so none is unused.
 * What is worth a warning is a criterion asking for evidence when the rubric has several
 * quotable inputs and does not say which. */
export function ambiguousEvidence(ctx: RuleContext): void {
  const quotable = ctx.decls.inputs.filter((i) => i.quotable);
  if (quotable.length < 2 || single(ctx.decls, "Mode")?.mode === "pairwise") return;
  for (const c of ctx.decls.criteria) {
    const rule = c.settings.find((s) => s.kind === "EvidenceRule");
    if (rule && rule.kind === "EvidenceRule" && rule.from.length === 0) {
      ctx.warn("evidence-source-unspecified", `criterion \`${c.id.name}\` asks for evidence without saying from which input; quotes may come from any of ${quotable.map((q) => `\`${q.name.name}\``).join(", ")} — add \`from <input>\` to be exact`, rule.loc);
    }
  }
}
