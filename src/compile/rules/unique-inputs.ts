import type { RuleContext } from "../context.js";

/** spec.md §Inputs: each input name is declared once. */
export function uniqueInputs(ctx: RuleContext): void {
  const seen = new Set<string>();
  for (const i of ctx.decls.inputs) {
    if (seen.has(i.name.name))
      ctx.error("duplicate-input", `input \`${i.name.name}\` is declared twice; remove one`, i.name.loc);
    seen.add(i.name.name);
  }
}
