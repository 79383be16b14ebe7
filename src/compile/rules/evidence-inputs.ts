import type * as A from "../../syntax/ast.js";
import type { RuleContext } from "../context.js";
import { single } from "../context.js";
import { DEFAULT_MIN_QUOTE_WORDS } from "../ir.js";
import { suggest } from "../suggest.js";
import { integerOf } from "../values.js";

function checkRule(ctx: RuleContext, owner: string, rule: A.EvidenceRuleNode): void {
  const quotable = ctx.decls.inputs.filter((i) => i.quotable).map((i) => i.name.name);
  for (const f of rule.from) {
    const input = ctx.decls.inputs.find((i) => i.name.name === f.name);
    if (!input) {
      ctx.error(
        "unknown-input",
        `${owner} takes evidence from \`${f.name}\`, which is not a declared input${suggest(f.name, [...ctx.inputNames])}`,
        f.loc,
      );
    } else if (!input.quotable) {
      ctx.error(
        "input-not-quotable",
        `${owner} takes evidence from \`${f.name}\`, but that input is not quotable; add \`, quotable\` to \`input ${f.name}\``,
        f.loc,
      );
    }
  }
  if (rule.from.length === 0 && quotable.length === 0 && ctx.file.header?.form !== "part") {
    ctx.error(
      "no-quotable-input",
      `${owner} asks for evidence but no input is quotable; mark the judged input with \`, quotable\``,
      rule.loc,
    );
  }
  const min = rule.minQuotes ? integerOf(rule.minQuotes) : 0;
  const max = rule.maxQuotes ? integerOf(rule.maxQuotes) : undefined;
  for (const v of [rule.minQuotes, rule.maxQuotes, rule.minWords, rule.maxWords]) {
    if (v && (integerOf(v) === undefined || integerOf(v)! < 0))
      ctx.error("invalid-setting", `\`${v.raw}\` in ${owner}'s evidence rule must be a whole number`, v.loc);
  }
  if (rule.maxWords && integerOf(rule.maxWords) === 0)
    ctx.error("invalid-setting", `${owner} allows quotes of at most 0 words; allow at least 1`, rule.maxWords.loc);
  if (rule.minWords && integerOf(rule.minWords) === 0)
    ctx.error(
      "invalid-setting",
      `${owner} asks for quotes of at least 0 words; a quote has at least 1 word (\`at least 1 word\` turns the default minimum of ${DEFAULT_MIN_QUOTE_WORDS} off)`,
      rule.minWords.loc,
    );
  const minWords = rule.minWords ? integerOf(rule.minWords) : undefined;
  const maxWords = rule.maxWords ? integerOf(rule.maxWords) : undefined;
  if (minWords !== undefined && maxWords !== undefined && minWords > maxWords)
    ctx.error(
      "invalid-setting",
      `${owner} asks for quotes of at least ${minWords} words but at most ${maxWords}; make the minimum no larger than the maximum`,
      rule.minWords!.loc,
    );
  if (min !== undefined && max !== undefined && min > max) {
    ctx.error(
      "invalid-setting",
      `${owner} asks for at least ${min} quotes but at most ${max}; make the minimum no larger than the maximum`,
      rule.loc,
    );
  }
}

/** spec.md §Evidence: quotes come from declared, quotable inputs, in sane amounts. */
export function evidenceInputs(ctx: RuleContext): void {
  for (const c of ctx.decls.criteria) {
    for (const s of c.settings) if (s.kind === "EvidenceRule") checkRule(ctx, `criterion \`${c.id.name}\``, s);
  }
  const t = single(ctx.decls, "Template");
  if (t) for (const s of t.settings) if (s.kind === "EvidenceRule") checkRule(ctx, "the per-item template", s);
}
