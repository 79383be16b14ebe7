import type * as A from "../../syntax/ast.js";
import type { RuleContext } from "../context.js";

const ONCE: Partial<Record<A.Declaration["kind"], string>> = {
  Title: "title",
  Description: "description",
  Mode: "mode",
  Scale: "scale",
  Instructions: "instructions",
  Judge: "judge",
  Aggregate: "aggregate",
  Rounding: "rounding",
  Template: "per item criteria",
  Tags: "tags",
};

/** spec.md §Header: header-level declarations appear at most once. */
export function singleDeclarations(ctx: RuleContext): void {
  for (const [kind, word] of Object.entries(ONCE)) {
    const list = ctx.decls.byKind.get(kind as A.Declaration["kind"]) ?? [];
    for (const d of list.slice(1)) {
      ctx.error("duplicate-declaration", `\`${word}\` is declared more than once; keep one`, {
        start: d.loc.start,
        end: d.loc.start + word.length,
      });
    }
  }
}
