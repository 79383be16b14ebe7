import type { RuleContext } from "../context.js";
import { single } from "../context.js";

/** spec.md §Per-item criteria: the row field holding criteria is not also a judged input. */
export function templateField(ctx: RuleContext): void {
  const t = single(ctx.decls, "Template");
  if (!t) return;
  if (ctx.inputNames.has(t.field.name)) {
    ctx.error(
      "template-field-is-input",
      `\`${t.field.name}\` is both an input and the field per-item criteria come from; the criteria field is not shown to the judge as an input, so rename one`,
      t.field.loc,
    );
  }
  const kinds = t.settings.filter((s) => s.kind === "Kind");
  if (kinds.length > 1)
    ctx.error(
      "conflicting-kind",
      "the per-item template declares more than one criterion kind; keep one",
      kinds[1]!.loc,
    );
}
