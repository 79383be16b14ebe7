/**
 * CST → AST in one visitor. The parser recovers from errors, so any child may be missing here;
 * a node whose required parts are missing is dropped (its parse error is already reported).
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import type { Span } from "../diagnostics/index.js";
import { lazy } from "../util/lazy.js";
import type * as A from "./ast.js";
import { rubricParser } from "./parser.js";
import { decodeString, decodeTextBlock } from "./text.js";

type Ctx = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).image !== undefined;
}
function tok(ctx: Ctx, key: string, i = 0): IToken | undefined {
  const e = ctx[key]?.[i];
  return isToken(e) && !Number.isNaN(e.startOffset) ? e : undefined;
}
function node(ctx: Ctx, key: string, i = 0): CstNode | undefined {
  const e = ctx[key]?.[i];
  return e !== undefined && !isToken(e) ? e : undefined;
}
function nodes(ctx: Ctx, key: string): CstNode[] {
  return (ctx[key] ?? []).filter((e): e is CstNode => !isToken(e));
}
function tokens(ctx: Ctx, key: string): IToken[] {
  return (ctx[key] ?? []).filter((e): e is IToken => isToken(e) && !Number.isNaN(e.startOffset));
}
function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
}
function nodeSpan(n: CstNode): Span {
  const l = n.location;
  if (!l || Number.isNaN(l.startOffset)) return { start: 0, end: 0 };
  return { start: l.startOffset, end: (Number.isNaN(l.endOffset ?? NaN) ? l.startOffset : l.endOffset!) + 1 };
}
function ident(t: IToken | undefined): A.Ident | null {
  return t ? { kind: "Ident", name: t.image, loc: tokenSpan(t) } : null;
}
function present<T>(x: T | null | undefined): x is T {
  return x !== null && x !== undefined;
}

// Built on first use, after the parser (its visitor base class comes from the parser).
const builder = lazy(() => {
  const BaseVisitor = rubricParser().getBaseCstVisitorConstructor();

  class AstBuilder extends BaseVisitor {
    constructor() {
      super();
      this.validateVisitor();
    }

    /** Visit passing the node itself as the param, so rule methods can read its location. */
    v<T>(n: CstNode): T {
      return this.visit(n, n);
    }

    rubricFile(ctx: Ctx, n: CstNode): Omit<A.RubricFile, "comments"> {
      const headerNode = node(ctx, "header");
      return {
        kind: "RubricFile",
        header: headerNode ? this.v(headerNode) : null,
        declarations: nodes(ctx, "declaration")
          .map((d) => this.v<A.Declaration | null>(d))
          .filter(present),
        loc: nodeSpan(n),
      };
    }

    header(ctx: Ctx, n: CstNode): A.Header | null {
      const id = ident(tok(ctx, "id"));
      const version = this.value(node(ctx, "versionValue"));
      if (!id || !version) return null;
      return { kind: "Header", form: tok(ctx, "Kw_part") ? "part" : "rubric", id, version, loc: nodeSpan(n) };
    }

    declaration(ctx: Ctx): A.Declaration | null {
      const child = Object.values(ctx)[0]?.[0];
      return child && !isToken(child) ? this.v(child) : null;
    }

    text(ctx: Ctx | CstNode | undefined): A.Text | null {
      if (ctx === undefined) return null;
      if ((ctx as CstNode).children) return this.v(ctx as CstNode);
      const c = ctx as Ctx;
      const s = tok(c, "StringLit");
      if (s) return { kind: "Text", value: decodeString(s.image), block: false, loc: tokenSpan(s) };
      const b = tok(c, "TextBlock");
      if (b) return { kind: "Text", value: decodeTextBlock(b.image), block: true, loc: tokenSpan(b) };
      return null;
    }

    value(ctx: Ctx | CstNode | undefined): A.Value | null {
      if (ctx === undefined) return null;
      if ((ctx as CstNode).children) return this.v(ctx as CstNode);
      const c = ctx as Ctx;
      const kinds: [string, A.Value["type"]][] = [
        ["NumberLit", "number"],
        ["Version", "version"],
        ["StringLit", "string"],
        ["Identifier", "name"],
      ];
      for (const [key, type] of kinds) {
        const t = tok(c, key);
        if (t)
          return { kind: "Value", raw: type === "string" ? decodeString(t.image) : t.image, type, loc: tokenSpan(t) };
      }
      // Keywords used as values (e.g. `weight heavy` where `heavy` is not a keyword) land in Name;
      // a keyword token sits under its own key.
      for (const [key, els] of Object.entries(c)) {
        const t = els?.[0];
        if (key.startsWith("Kw_") && isToken(t))
          return { kind: "Value", raw: t.image, type: "name", loc: tokenSpan(t) };
      }
      return null;
    }

    nameList(ctx: Ctx): A.Ident[] {
      return tokens(ctx, "Name").map((t) => ident(t)!);
    }

    titleDecl(ctx: Ctx, n: CstNode): A.TitleDecl | null {
      const text = this.text(node(ctx, "text"));
      return text ? { kind: "Title", text, loc: nodeSpan(n) } : null;
    }

    descriptionDecl(ctx: Ctx, n: CstNode): A.DescriptionDecl | null {
      const text = this.text(node(ctx, "text"));
      return text ? { kind: "Description", text, loc: nodeSpan(n) } : null;
    }

    instructionsDecl(ctx: Ctx, n: CstNode): A.InstructionsDecl | null {
      const text = this.text(node(ctx, "text"));
      return text ? { kind: "Instructions", text, loc: nodeSpan(n) } : null;
    }

    tagsDecl(ctx: Ctx, n: CstNode): A.TagsDecl {
      const list = node(ctx, "nameList");
      return { kind: "Tags", tags: list ? this.v(list) : [], loc: nodeSpan(n) };
    }

    modeDecl(ctx: Ctx, n: CstNode): A.ModeDecl | null {
      if (tok(ctx, "Kw_pointwise")) return { kind: "Mode", mode: "pointwise", settings: [], loc: nodeSpan(n) };
      if (!tok(ctx, "Kw_pairwise")) return null;
      const settings = nodes(ctx, "pairwiseSetting")
        .map((s) => this.v<A.PairwiseSetting | null>(s))
        .filter(present);
      return { kind: "Mode", mode: "pairwise", settings, loc: nodeSpan(n) };
    }

    pairwiseSetting(ctx: Ctx, n: CstNode): A.PairwiseSetting | null {
      const loc = nodeSpan(n);
      if (tok(ctx, "Kw_compare")) {
        const a = ident(tok(ctx, "a"));
        const b = ident(tok(ctx, "b"));
        return a && b ? { kind: "Compare", a, b, loc } : null;
      }
      if (tok(ctx, "Kw_swap")) return { kind: "SwapOrder", loc };
      if (tok(ctx, "Kw_allowed")) return { kind: "Ties", allowed: true, loc };
      if (tok(ctx, "Kw_no")) return { kind: "Ties", allowed: false, loc };
      if (tok(ctx, "Kw_tie")) return { kind: "OrderDisagrees", then: "tie", loc };
      if (tok(ctx, "Kw_flag")) return { kind: "OrderDisagrees", then: "flag", loc };
      return null;
    }

    inputDecl(ctx: Ctx, n: CstNode): A.InputDecl | null {
      const name = ident(tok(ctx, "Name"));
      if (!name) return null;
      const kindNode = node(ctx, "inputKind");
      const kindTok = kindNode ? (Object.values(kindNode.children).flat()[0] as IToken | undefined) : undefined;
      return {
        kind: "Input",
        name,
        inputKind: kindTok ? (kindTok.image as A.InputKind) : null,
        kindLoc: kindTok ? tokenSpan(kindTok) : null,
        description: this.text(node(ctx, "text")),
        quotable: tok(ctx, "Kw_quotable") !== undefined,
        loc: nodeSpan(n),
      };
    }

    inputKind(): null {
      return null; // folded into inputDecl
    }

    scaleDecl(ctx: Ctx, n: CstNode): A.ScaleDecl | null {
      if (tok(ctx, "Kw_pass"))
        return { kind: "Scale", passFail: true, min: null, max: null, step: null, loc: nodeSpan(n) };
      const min = this.value(node(ctx, "min"));
      const max = this.value(node(ctx, "max"));
      if (!min || !max) return null;
      return { kind: "Scale", passFail: false, min, max, step: this.value(node(ctx, "step")), loc: nodeSpan(n) };
    }

    judgeDecl(ctx: Ctx, n: CstNode): A.JudgeDecl {
      const settings = nodes(ctx, "judgeSetting")
        .map((s) => this.v<A.JudgeSetting | null>(s))
        .filter(present);
      return { kind: "Judge", settings, loc: nodeSpan(n) };
    }

    judgeSetting(ctx: Ctx, n: CstNode): A.JudgeSetting | null {
      const loc = nodeSpan(n);
      const policy = node(ctx, "evidencePolicy");
      if (policy) return this.v(policy);
      if (tok(ctx, "Kw_before")) {
        const first = ctx.Kw_evidence?.[0] as IToken | undefined;
        const verdictTok = ctx.Kw_verdict?.[0] as IToken | undefined;
        if (!first || !verdictTok) return null;
        return {
          kind: "Order",
          order: first.startOffset < verdictTok.startOffset ? "evidence_first" : "verdict_first",
          loc,
        };
      }
      if (tok(ctx, "Kw_each")) return { kind: "PerCriterion", loc };
      const keys: [string, A.Setting["key"]][] = [
        ["Kw_effort", "reasoning_effort"],
        ["Kw_budget", "reasoning_budget"],
        ["Kw_temperature", "temperature"],
        ["Kw_samples", "samples"],
        ["Kw_seed", "seed"],
        ["Kw_max", "max_tokens"],
        ["Kw_quote", "quote_match"],
      ];
      const value = this.value(node(ctx, "value"));
      if (!value) return null;
      for (const [k, key] of keys) if (tok(ctx, k)) return { kind: "Setting", key, value, loc };
      return null;
    }

    evidencePolicy(ctx: Ctx, n: CstNode): A.EvidencePolicyNode | null {
      const loc = nodeSpan(n);
      if (tok(ctx, "Kw_unmet")) return { kind: "EvidencePolicy", action: "unmet", value: null, loc };
      if (tok(ctx, "Kw_flag")) return { kind: "EvidencePolicy", action: "flag", value: null, loc };
      if (tok(ctx, "Kw_retry")) return { kind: "EvidencePolicy", action: "retry", value: null, loc };
      const value = this.value(node(ctx, "value"));
      return tok(ctx, "Kw_cap") && value ? { kind: "EvidencePolicy", action: "cap", value, loc } : null;
    }

    aggregateDecl(ctx: Ctx, n: CstNode): A.AggregateDecl | null {
      const words = tokens(ctx, "method");
      if (words.length === 0) return null;
      const methodLoc = { start: words[0]!.startOffset, end: words[words.length - 1]!.endOffset! + 1 };
      return { kind: "Aggregate", method: words.map((w) => w.image).join(" "), methodLoc, loc: nodeSpan(n) };
    }

    roundingDecl(ctx: Ctx, n: CstNode): A.RoundingDecl | null {
      const words = tokens(ctx, "mode");
      if (words.length === 0) return null;
      const modeLoc = { start: words[0]!.startOffset, end: words[words.length - 1]!.endOffset! + 1 };
      return { kind: "Rounding", mode: words.map((w) => w.image).join(" "), modeLoc, loc: nodeSpan(n) };
    }

    sectionDecl(ctx: Ctx, n: CstNode): A.SectionDecl | null {
      const title = this.text(node(ctx, "text"));
      if (!title) return null;
      const members = [...nodes(ctx, "criterionDecl"), ...nodes(ctx, "checkDecl")]
        .sort((a, b) => nodeSpan(a).start - nodeSpan(b).start)
        .map((m) => this.v<A.CriterionDecl | A.CheckDecl | null>(m))
        .filter(present);
      return { kind: "Section", title, members, loc: nodeSpan(n) };
    }

    criterionDecl(ctx: Ctx, n: CstNode): A.CriterionDecl | null {
      const id = ident(tok(ctx, "Name"));
      if (!id) return null;
      return {
        kind: "Criterion",
        id,
        title: this.text(node(ctx, "title")),
        settings: nodes(ctx, "criterionSetting")
          .map((s) => this.v<A.CriterionSetting | null>(s))
          .filter(present),
        loc: nodeSpan(n),
      };
    }

    criterionSetting(ctx: Ctx, n: CstNode): A.CriterionSetting | null {
      const loc = nodeSpan(n);
      const desc = node(ctx, "description");
      if (desc) return this.text(desc);
      if (tok(ctx, "Kw_binary")) return { kind: "Kind", criterionKind: "binary", loc };
      if (tok(ctx, "Kw_checklist")) return { kind: "Kind", criterionKind: "checklist", loc };
      for (const sub of ["levelsBlock", "evidenceRule", "evidencePolicy"]) {
        const s = node(ctx, sub);
        if (s) return this.v(s);
      }
      if (tok(ctx, "Kw_tags")) {
        const list = node(ctx, "nameList");
        return { kind: "Tags", tags: list ? this.v(list) : [], loc };
      }
      const value = this.value(node(ctx, "value"));
      if (!value) return null;
      if (tok(ctx, "Kw_weight")) return { kind: "Setting", key: "weight", value, loc };
      if (tok(ctx, "Kw_points")) return { kind: "Setting", key: "points", value, loc };
      return null;
    }

    levelsBlock(ctx: Ctx, n: CstNode): A.CriterionSetting {
      return {
        kind: "Levels",
        levels: nodes(ctx, "levelAnchor")
          .map((l) => this.v<A.LevelNode | null>(l))
          .filter(present),
        loc: nodeSpan(n),
      };
    }

    levelAnchor(ctx: Ctx, n: CstNode): A.LevelNode | null {
      const value = this.value(node(ctx, "value"));
      const anchor = this.text(node(ctx, "text"));
      return value && anchor ? { kind: "Level", value, anchor, loc: nodeSpan(n) } : null;
    }

    evidenceRule(ctx: Ctx, n: CstNode): A.EvidenceRuleNode {
      let minQuotes: A.Value | null = null;
      let maxQuotes: A.Value | null = null;
      let maxWords: A.Value | null = null;
      let minWords: A.Value | null = null;
      const from: A.Ident[] = [];
      let scope: A.EvidenceScopeNode | null = null;
      for (const part of nodes(ctx, "evidencePart")) {
        const c = part.children as Ctx;
        const sc = node(c, "evidenceScope");
        if (sc) {
          const role = tok(sc.children as Ctx, "role");
          scope = { kind: "EvidenceScope", role: role ? ident(role) : null, loc: nodeSpan(sc) };
          continue;
        }
        if (tok(c, "Kw_from")) {
          from.push(...tokens(c, "Name").map((t) => ident(t)!));
          continue;
        }
        const v = this.value(node(c, "value"));
        if (!v) continue;
        const words = tok(c, "Kw_words") || tok(c, "Kw_word");
        if (words) {
          if (tok(c, "Kw_least")) minWords = v;
          else maxWords = v;
        } else if (tok(c, "Kw_least")) minQuotes = v;
        else maxQuotes = v;
      }
      return { kind: "EvidenceRule", minQuotes, maxQuotes, minWords, maxWords, from, scope, loc: nodeSpan(n) };
    }

    evidencePart(): null {
      return null; // folded into evidenceRule
    }
    evidenceScope(): null {
      return null; // folded into evidenceRule
    }

    checkDecl(ctx: Ctx, n: CstNode): A.CheckDecl | null {
      const id = ident(tok(ctx, "Name"));
      const testNode = node(ctx, "checkTest");
      const test: A.CheckTestNode | null = testNode ? this.v(testNode) : null;
      if (!id || !test) return null;
      const settings: A.Setting[] = [];
      const values = nodes(ctx, "value");
      const keyed = [
        ...tokens(ctx, "Kw_weight").map((t) => ["weight", t] as const),
        ...tokens(ctx, "Kw_points").map((t) => ["points", t] as const),
      ].sort((a, b) => a[1].startOffset - b[1].startOffset);
      // Values and their keywords alternate in source order, so pairing by position is exact.
      const sortedValues = values
        .map((v) => this.value(v))
        .filter(present)
        .sort((a, b) => a.loc.start - b.loc.start);
      keyed.forEach(([key, t], i) => {
        const value = sortedValues[i];
        if (value) settings.push({ kind: "Setting", key, value, loc: { start: t.startOffset, end: value.loc.end } });
      });
      return { kind: "Check", id, title: this.text(node(ctx, "title")), test, settings, loc: nodeSpan(n) };
    }

    checkTest(outer: Ctx, n: CstNode): A.CheckTestNode | null {
      const loc = nodeSpan(n);
      const lastNode = node(outer, "lastMessage");
      const ctx = lastNode ? (lastNode.children as Ctx) : outer;
      const input = ident(tok(ctx, "input"));
      if (!input) return null;
      const role = lastNode ? ident(tok(ctx, "role")) : null;
      const last = lastNode && role ? { last: { role, loc: nodeSpan(lastNode) } } : {};
      const range = node(ctx, "countRange");
      if (range) {
        const c = range.children as Ctx;
        return {
          kind: "CountTest",
          unit: tok(ctx, "Kw_words") ? "words" : tok(ctx, "Kw_turns") ? "turns" : "characters",
          input,
          min: this.value(node(c, "min")),
          max: this.value(node(c, "max")),
          loc,
        };
      }
      const pred = node(ctx, "checkPredicate");
      if (!pred) return null;
      const c = pred.children as Ctx;
      const ign = nodes(c, "ignoring").map((i) => (tok(i.children as Ctx, "Kw_case") ? "case" : "whitespace"));
      const regex = tok(c, "RegexLit");
      const negate = tok(c, "Kw_not") !== undefined;
      const call = node(c, "toolCall");
      if (call) {
        const t = call.children as Ctx;
        const name = tok(t, "toolName") ?? tok(t, "StringLit");
        if (!name) return null;
        const tool = name.tokenType.name === "StringLit" ? decodeString(name.image) : name.image;
        const schema = this.text(node(t, "schema"));
        return { kind: "ToolCallTest", input, ...last, tool, toolLoc: tokenSpan(name), schema, negate, loc };
      }
      if (regex)
        return { kind: "RegexTest", input, ...last, regex: regex.image, regexLoc: tokenSpan(regex), negate, loc };
      if (tok(c, "Kw_contain") || tok(c, "Kw_contains")) {
        const text = this.text(node(c, "text"));
        return text
          ? { kind: "ContainsTest", input, ...last, text, ignoreCase: ign.includes("case"), negate, loc }
          : null;
      }
      if (tok(c, "Kw_json")) return { kind: "JsonTest", input, ...last, schema: this.text(node(c, "schema")), loc };
      const other = ident(tok(c, "other"));
      if (!other) return null;
      if (tok(c, "Kw_number"))
        return { kind: "NumericTest", input, ...last, other, tolerance: this.value(node(c, "tolerance")), loc };
      return {
        kind: "EqualsTest",
        input,
        ...last,
        other,
        ignoreCase: ign.includes("case"),
        ignoreWhitespace: ign.includes("whitespace"),
        loc,
      };
    }

    countRange(): null {
      return null; // folded into checkTest
    }
    lastMessage(): null {
      return null; // folded into checkTest
    }
    toolCall(): null {
      return null; // folded into checkTest
    }
    checkPredicate(): null {
      return null; // folded into checkTest
    }
    ignoring(): null {
      return null; // folded into checkTest
    }

    gateDecl(ctx: Ctx, n: CstNode): A.GateDecl | null {
      const id = ident(tok(ctx, "Name"));
      const cond = node(ctx, "condition");
      const when: A.ConditionNode | null = cond ? this.v(cond) : null;
      const action = node(ctx, "gateAction");
      if (!id || !when || !action) return null;
      const a = action.children as Ctx;
      const value = this.value(node(a, "value"));
      if (!value) return null;
      return {
        kind: "Gate",
        id,
        title: this.text(node(ctx, "title")),
        when,
        action: tok(a, "Kw_set") ? "fix" : "cap",
        value,
        loc: nodeSpan(n),
      };
    }

    gateAction(): null {
      return null; // folded into gateDecl
    }

    /** `and` binds tighter than `or`, as in most languages a reader might know. */
    condition(ctx: Ctx, n: CstNode): A.ConditionNode | null {
      const atoms: A.ConditionNode[] = nodes(ctx, "conditionAtom")
        .map((a) => this.v<A.ConditionNode | null>(a))
        .filter(present);
      if (atoms.length === 0) return null;
      const ops = [
        ...tokens(ctx, "Kw_and").map((t) => ["and", t.startOffset] as const),
        ...tokens(ctx, "Kw_or").map((t) => ["or", t.startOffset] as const),
      ]
        .sort((a, b) => a[1] - b[1])
        .map((o) => o[0]);
      if (atoms.length === 1) return atoms[0]!;
      const groups: A.ConditionNode[][] = [[atoms[0]!]];
      ops.forEach((op, i) => {
        const atom = atoms[i + 1];
        if (!atom) return;
        if (op === "and") groups[groups.length - 1]!.push(atom);
        else groups.push([atom]);
      });
      const loc = nodeSpan(n);
      const ands = groups.map((g) =>
        g.length === 1
          ? g[0]!
          : ({
              kind: "LogicalCondition",
              op: "and",
              operands: g,
              loc: { start: g[0]!.loc.start, end: g[g.length - 1]!.loc.end },
            } as const),
      );
      return ands.length === 1 ? ands[0]! : { kind: "LogicalCondition", op: "or", operands: ands, loc };
    }

    conditionAtom(ctx: Ctx, n: CstNode): A.ConditionNode | null {
      const ref = ident(tok(ctx, "ref"));
      if (!ref) return null;
      const loc = nodeSpan(n);
      if (tok(ctx, "Kw_fails")) return { kind: "MetCondition", ref, met: false, word: "fails", loc };
      if (tok(ctx, "Kw_passes")) return { kind: "MetCondition", ref, met: true, word: "passes", loc };
      if (tok(ctx, "Kw_level")) {
        const value = this.value(node(ctx, "value"));
        if (!value) return null;
        const op = tok(ctx, "Kw_below")
          ? "<"
          : tok(ctx, "Kw_above")
            ? ">"
            : tok(ctx, "Kw_least")
              ? ">="
              : tok(ctx, "Kw_most")
                ? "<="
                : "==";
        return { kind: "LevelCondition", ref, op, value, loc };
      }
      const not = tok(ctx, "Kw_not") !== undefined;
      if (tok(ctx, "Kw_met")) return { kind: "MetCondition", ref, met: !not, word: not ? "not met" : "met", loc };
      if (tok(ctx, "Kw_unmet")) return { kind: "MetCondition", ref, met: not, word: "unmet", loc };
      return null;
    }

    importDecl(ctx: Ctx, n: CstNode): A.ImportDecl | null {
      const p = tok(ctx, "StringLit");
      if (!p) return null;
      const h = tok(ctx, "Hash");
      return {
        kind: "Import",
        path: decodeString(p.image),
        pathLoc: tokenSpan(p),
        hash: h ? h.image : null,
        hashLoc: h ? tokenSpan(h) : null,
        loc: nodeSpan(n),
      };
    }

    templateDecl(ctx: Ctx, n: CstNode): A.TemplateDecl | null {
      const field = ident(tok(ctx, "field"));
      if (!field) return null;
      const settings: A.TemplateSetting[] = [];
      for (const t of [...tokens(ctx, "Kw_binary"), ...tokens(ctx, "Kw_checklist")]) {
        settings.push({
          kind: "Kind",
          criterionKind: t.image === "binary" ? "binary" : "checklist",
          loc: tokenSpan(t),
        });
      }
      for (const s of [...nodes(ctx, "evidenceRule"), ...nodes(ctx, "evidencePolicy")]) {
        const v = this.v<A.TemplateSetting | null>(s);
        if (v) settings.push(v);
      }
      settings.sort((a, b) => a.loc.start - b.loc.start);
      return { kind: "Template", field, settings, loc: nodeSpan(n) };
    }
  }

  return new AstBuilder();
});

export function cstToAst(cst: CstNode): Omit<A.RubricFile, "comments"> {
  return builder().v(cst);
}
