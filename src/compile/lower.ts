/**
 * AST → IR: meaning only, every default filled in, no positions. Runs after the check rules,
 * on an AST without errors, so it may assume values are well-formed; where it still meets
 * something odd it takes the documented default rather than guessing.
 */
import type * as A from "../syntax/ast.js";
import { collectDeclarations, type Declarations, single } from "./context.js";
import * as I from "./ir.js";
import { AGGREGATIONS, ROUNDINGS } from "./rules/aggregation.js";
import { integerOf, numberOf } from "./values.js";

export const DEFAULT_JUDGE: I.JudgeSettingsIR = {
  temperature: 0,
  samples: 1,
  seed: null,
  max_tokens: null,
  order: "evidence_first",
  quote_match: 0.9,
  on_evidence_failure: { kind: "unmet" },
};

function policy(p: A.EvidencePolicyNode | undefined, fallback: I.EvidencePolicy): I.EvidencePolicy {
  if (!p) return fallback;
  if (p.action === "cap") return { kind: "cap", value: numberOf(p.value) ?? 0 };
  return { kind: p.action };
}

function minWords(r: A.EvidenceRuleNode): number {
  const stated = r.minWords ? integerOf(r.minWords) : undefined;
  if (stated !== undefined && stated >= 1) return stated;
  const max = r.maxWords ? integerOf(r.maxWords) : undefined;
  return max !== undefined && max >= 1 ? Math.min(I.DEFAULT_MIN_QUOTE_WORDS, max) : I.DEFAULT_MIN_QUOTE_WORDS;
}

function evidenceRule(r: A.EvidenceRuleNode | undefined, quotable: readonly string[]): I.EvidenceRuleIR {
  // Keys in sorted order (see items.ts): per-item rubrics share this object across every row.
  if (!r)
    return {
      from: [...quotable],
      max_quotes: null,
      max_words: null,
      min_quotes: 0,
      min_words: I.DEFAULT_MIN_QUOTE_WORDS,
    };
  const from = r.from.length ? r.from.map((f) => f.name) : [...quotable];
  return {
    from: [...new Set(from)],
    max_quotes: r.maxQuotes ? (integerOf(r.maxQuotes) ?? null) : null,
    max_words: r.maxWords ? (integerOf(r.maxWords) ?? null) : null,
    // Asking for evidence without a count means at least one quote.
    min_quotes: r.minQuotes ? (integerOf(r.minQuotes) ?? 1) : 1,
    min_words: minWords(r),
    ...(r.scope ? { scope: (r.scope.role?.name ?? "tool_calls") as I.EvidenceScope } : {}),
  };
}

function settingValue(settings: readonly (A.CriterionSetting | A.Setting)[], key: "weight" | "points"): number | null {
  const s = settings.find((x): x is A.Setting => x.kind === "Setting" && x.key === key);
  return s ? (numberOf(s.value) ?? null) : null;
}

function lowerCriterion(
  c: A.CriterionDecl,
  section: string | null,
  quotable: readonly string[],
  defaultPolicy: I.EvidencePolicy,
): I.CriterionIR {
  const find = <K extends A.CriterionSetting["kind"]>(kind: K) =>
    c.settings.find((s): s is Extract<A.CriterionSetting, { kind: K }> => s.kind === kind);
  const levelsBlock = find("Levels");
  const declaredKind = find("Kind")?.criterionKind;
  const kind: I.CriterionKind = declaredKind ?? (levelsBlock ? "levels" : "binary");
  const levels = (levelsBlock?.levels ?? [])
    .map((l) => ({ value: numberOf(l.value) ?? 0, anchor: l.anchor.value }))
    .sort((a, b) => a.value - b.value);
  const weight = settingValue(c.settings, "weight");
  const points = settingValue(c.settings, "points");
  return {
    id: c.id.name,
    title: c.title?.value ?? c.id.name,
    description: find("Text")?.value ?? "",
    section,
    kind,
    levels,
    weight: weight === null && points === null ? 1 : weight,
    points,
    evidence: evidenceRule(find("EvidenceRule"), quotable),
    on_evidence_failure: policy(find("EvidencePolicy"), defaultPolicy),
    tags: [...new Set((find("Tags")?.tags ?? []).map((t) => t.name))],
  };
}

function regexParts(literal: string): { pattern: string; flags: string } {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(literal);
  return { pattern: m?.[1] ?? "", flags: [...new Set(m?.[2] ?? "")].sort().join("") };
}

function lowerTest(t: A.CheckTestNode): I.CheckTest {
  const input = t.input.name;
  // Spread right after `input`: whole-input tests keep the exact IR they had before `last`.
  const last = t.kind !== "CountTest" && t.last ? { last: t.last.role.name } : {};
  switch (t.kind) {
    case "ToolCallTest":
      return {
        kind: "tool_call",
        input,
        tool: t.tool,
        schema: t.schema ? (JSON.parse(t.schema.value) as unknown) : null,
        negate: t.negate,
      };
    case "CountTest":
      return {
        kind: "count",
        input,
        unit: t.unit,
        min: t.min ? (numberOf(t.min) ?? null) : null,
        max: t.max ? (numberOf(t.max) ?? null) : null,
      };
    case "RegexTest":
      return { kind: "regex", input, ...last, ...regexParts(t.regex), negate: t.negate };
    case "ContainsTest":
      return { kind: "contains", input, ...last, text: t.text.value, ignore_case: t.ignoreCase, negate: t.negate };
    case "JsonTest":
      return { kind: "json", input, ...last, schema: t.schema ? (JSON.parse(t.schema.value) as unknown) : null };
    case "EqualsTest":
      return {
        kind: "equals",
        input,
        ...last,
        other: t.other.name,
        ignore_case: t.ignoreCase,
        ignore_whitespace: t.ignoreWhitespace,
      };
    case "NumericTest":
      return {
        kind: "numeric",
        input,
        ...last,
        other: t.other.name,
        tolerance: t.tolerance ? (numberOf(t.tolerance) ?? 0) : 0,
      };
  }
}

function lowerCheck(c: A.CheckDecl, section: string | null): I.CheckIR {
  return {
    id: c.id.name,
    title: c.title?.value ?? c.id.name,
    section,
    test: lowerTest(c.test),
    weight: settingValue(c.settings, "weight"),
    points: settingValue(c.settings, "points"),
  };
}

function lowerCondition(c: A.ConditionNode): I.ConditionIR {
  switch (c.kind) {
    case "MetCondition":
      return { kind: "met", ref: c.ref.name, negate: !c.met };
    case "LevelCondition":
      return { kind: "level", ref: c.ref.name, op: c.op, value: numberOf(c.value) ?? 0 };
    case "LogicalCondition":
      return { kind: c.op, operands: c.operands.map(lowerCondition) };
  }
}

function lowerJudge(d: A.JudgeDecl | undefined): I.JudgeSettingsIR {
  if (!d) return DEFAULT_JUDGE;
  let j: I.JudgeSettingsIR = { ...DEFAULT_JUDGE };
  for (const s of d.settings) {
    if (s.kind === "Order") j = { ...j, order: s.order };
    else if (s.kind === "PerCriterion") j = { ...j, per_criterion: true };
    else if (s.kind === "Setting" && s.key === "reasoning_effort") j = { ...j, reasoning_effort: s.value.raw };
    else if (s.kind === "EvidencePolicy")
      j = { ...j, on_evidence_failure: policy(s, DEFAULT_JUDGE.on_evidence_failure) };
    else {
      const n = numberOf(s.value);
      if (n !== undefined) j = { ...j, [s.key]: n };
    }
  }
  return j;
}

function lowerMode(d: A.ModeDecl | undefined): I.Mode {
  if (!d || d.mode === "pointwise") return { kind: "pointwise" };
  let compare: [string, string] = ["response_a", "response_b"];
  let swap = false;
  let ties = true;
  let inconsistent: "tie" | "flag" = "tie";
  for (const s of d.settings) {
    if (s.kind === "Compare") compare = [s.a.name, s.b.name];
    else if (s.kind === "SwapOrder") swap = true;
    else if (s.kind === "Ties") ties = s.allowed;
    else inconsistent = s.then;
  }
  return { kind: "pairwise", compare, swap, ties, inconsistent };
}

function lowerScale(d: A.ScaleDecl | undefined, mode: I.Mode): I.Scale {
  // A pairwise rubric's score is its preference share (A = 1, tie = 0.5, B = 0).
  if (!d) return mode.kind === "pairwise" ? { kind: "numeric", min: 0, max: 1, step: 0.5 } : { kind: "pass_fail" };
  if (d.passFail) return { kind: "pass_fail" };
  return {
    kind: "numeric",
    min: numberOf(d.min) ?? 0,
    max: numberOf(d.max) ?? 1,
    step: d.step ? (numberOf(d.step) ?? 1) : 1,
  };
}

function lowerTemplate(
  d: A.TemplateDecl | undefined,
  quotable: readonly string[],
  defaultPolicy: I.EvidencePolicy,
): I.TemplateIR | null {
  if (!d) return null;
  const kind = d.settings.find((s) => s.kind === "Kind");
  const rule = d.settings.find((s): s is A.EvidenceRuleNode => s.kind === "EvidenceRule");
  const pol = d.settings.find((s): s is A.EvidencePolicyNode => s.kind === "EvidencePolicy");
  return {
    field: d.field.name,
    kind: kind && kind.kind === "Kind" ? kind.criterionKind : "binary",
    evidence: evidenceRule(rule, quotable),
    on_evidence_failure: policy(pol, defaultPolicy),
  };
}

/** Imported parts contribute their criteria, checks, gates and sections; the rest is the rubric's. */
export interface ImportedPart {
  readonly hash: string;
  readonly file: A.RubricFile;
}

export function lowerRubric(file: A.RubricFile, imports: readonly ImportedPart[] = []): I.RubricIR {
  const decls: Declarations = collectDeclarations(file);
  const mode = lowerMode(single(decls, "Mode"));
  const judge = lowerJudge(single(decls, "Judge"));
  const quotable = decls.inputs.filter((i) => i.quotable).map((i) => i.name.name);
  const criteria: I.CriterionIR[] = [];
  const checks: I.CheckIR[] = [];
  const gates: I.GateIR[] = [];
  const sections: I.SectionIR[] = [];

  const addFrom = (f: A.RubricFile) => {
    for (const d of f.declarations) {
      if (d.kind === "Criterion") criteria.push(lowerCriterion(d, null, quotable, judge.on_evidence_failure));
      else if (d.kind === "Check") checks.push(lowerCheck(d, null));
      else if (d.kind === "Gate") {
        gates.push({
          id: d.id.name,
          title: d.title?.value ?? d.id.name,
          when: lowerCondition(d.when),
          action: { kind: d.action, value: numberOf(d.value) ?? 0 },
        });
      } else if (d.kind === "Section") {
        const title = d.title.value;
        const ids: string[] = [];
        for (const m of d.members) {
          ids.push(m.id.name);
          if (m.kind === "Criterion") criteria.push(lowerCriterion(m, title, quotable, judge.on_evidence_failure));
          else checks.push(lowerCheck(m, title));
        }
        sections.push({ title, criteria: ids });
      }
    }
  };
  for (const part of imports) addFrom(part.file);
  addFrom(file);

  const agg = single(decls, "Aggregate");
  const rounding = single(decls, "Rounding");
  return {
    id: file.header?.id.name ?? "",
    version: file.header?.version.raw ?? "",
    title: single(decls, "Title")?.text.value ?? file.header?.id.name ?? "",
    description: single(decls, "Description")?.text.value ?? "",
    tags: [...new Set((single(decls, "Tags")?.tags ?? []).map((t) => t.name))],
    mode,
    inputs: decls.inputs.map((i) => ({
      name: i.name.name,
      description: i.description?.value ?? "",
      quotable: i.quotable,
      ...(i.inputKind && i.inputKind !== "text" ? { kind: i.inputKind } : {}),
    })),
    scale: lowerScale(single(decls, "Scale"), mode),
    instructions: single(decls, "Instructions")?.text.value ?? "",
    judge,
    sections,
    criteria,
    checks,
    gates,
    aggregation: {
      method: agg ? (AGGREGATIONS[agg.method] ?? "weighted_mean") : "weighted_mean",
      rounding: rounding ? (ROUNDINGS[rounding.mode] ?? "half_up") : "half_up",
    },
    template: lowerTemplate(single(decls, "Template"), quotable, judge.on_evidence_failure),
    imports: imports.map((p) => p.hash),
  };
}
