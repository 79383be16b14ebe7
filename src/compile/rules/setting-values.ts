import type * as A from "../../syntax/ast.js";
import type { RuleContext } from "../context.js";
import { numberOf } from "../values.js";

const WORD: Record<A.Setting["key"], string> = {
  temperature: "temperature",
  samples: "samples",
  seed: "seed",
  max_tokens: "max tokens",
  quote_match: "quote match",
  reasoning_effort: "reasoning effort",
  reasoning_budget: "reasoning budget",
  weight: "weight",
  points: "points",
};

/** The efforts some provider accepts; which ones a given model takes is the capabilities table's business. */
export const REASONING_EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];

function checkSetting(ctx: RuleContext, s: A.Setting): void {
  const word = WORD[s.key];
  if (s.key === "reasoning_effort") {
    if (!REASONING_EFFORTS.includes(s.value.raw))
      ctx.error(
        "invalid-setting",
        `reasoning effort \`${s.value.raw}\` is not one of ${REASONING_EFFORTS.join(", ")}`,
        s.value.loc,
      );
    return;
  }
  const n = numberOf(s.value);
  if (n === undefined) {
    const code =
      s.key === "weight" ? "weight-not-number" : s.key === "points" ? "points-not-number" : "invalid-setting";
    ctx.error(
      code,
      `${word} \`${s.value.raw}\` is not a number; write a number such as \`${s.key === "points" ? "-5" : "1"}\``,
      s.value.loc,
    );
    return;
  }
  const bad = (why: string) => ctx.error("invalid-setting", `${word} \`${s.value.raw}\` ${why}`, s.value.loc);
  switch (s.key) {
    case "weight":
      if (n < 0)
        ctx.error(
          "negative-weight",
          `weight \`${s.value.raw}\` is negative; use \`points ${s.value.raw}\` for a penalty`,
          s.value.loc,
        );
      break;
    case "temperature":
      if (n < 0 || n > 2) bad("must be between 0 and 2");
      break;
    case "samples":
      if (!Number.isInteger(n) || n < 1 || n > 100) bad("must be a whole number from 1 to 100");
      break;
    case "seed":
      if (!Number.isInteger(n)) bad("must be a whole number");
      break;
    case "max_tokens":
    case "reasoning_budget":
      if (!Number.isInteger(n) || n < 1) bad("must be a positive whole number");
      break;
    case "quote_match":
      if (n <= 0 || n > 1) bad("must be a similarity above 0 and at most 1, e.g. `0.9`");
      break;
    case "points":
      break;
  }
}

/** spec.md §Criteria, §Judge settings: every numeric setting holds a number in its range. */
export function settingValues(ctx: RuleContext): void {
  for (const d of ctx.decls.byKind.get("Judge") ?? []) {
    if (d.kind !== "Judge") continue;
    for (const s of d.settings) {
      if (s.kind === "Setting") checkSetting(ctx, s);
      // One call per criterion needs criteria: a holistic rubric has one judgment to ask for.
      else if (
        s.kind === "PerCriterion" &&
        ctx.decls.criteria.length === 0 &&
        !ctx.decls.byKind.get("Template")?.length
      )
        ctx.error(
          "invalid-setting",
          "`each criterion separately` needs criteria; this rubric is judged as a whole in one call",
          s.loc,
        );
    }
  }
  for (const c of ctx.decls.criteria) for (const s of c.settings) if (s.kind === "Setting") checkSetting(ctx, s);
  for (const c of ctx.decls.checks) for (const s of c.settings) checkSetting(ctx, s);
}
