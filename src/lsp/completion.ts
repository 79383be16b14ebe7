/**
 * Completion from the grammar itself: the parser's content assist says which tokens may come
 * next at the cursor, so keywords are always the ones valid there. Where it wants a name, the
 * rule it is in says which: criteria and checks in gate conditions, inputs in evidence rules,
 * checks and `compare`; where it wants a value, levels and scale values are offered.
 */
import type { IToken } from "chevrotain";
import { type CompletionItem, CompletionItemKind } from "vscode-languageserver";
import type { Scale } from "../compile/ir.js";
import { AGGREGATIONS, ROUNDINGS } from "../compile/rules/aggregation.js";
import type { RubricFile } from "../syntax/ast.js";
import { keywordOf, type NextToken, nextTokens } from "../syntax/index.js";
import type { Analysis } from "./analysis.js";
import { KEYWORD_DOCS } from "./keywords.js";
import { firstAtOrAfter, tokenAt, tokenEnd } from "./tokens.js";

const WORD = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** Where content assist should start: the top-level declaration the cursor is in, or after. */
function startOf(ast: RubricFile | null, tokens: readonly IToken[], end: number): { rule: string; from: number } {
  const header = ast?.header;
  if (!ast || !header || end <= header.loc.end) return { rule: "rubricFile", from: 0 };
  let from = header.loc.end;
  for (const d of ast.declarations) {
    if (d.loc.start >= end) break;
    from = d.loc.end <= end ? d.loc.end : d.loc.start;
  }
  return { rule: "declaration", from: firstAtOrAfter(tokens, from) };
}

function assist(a: Analysis, preceding: number): NextToken[] {
  const tokens = a.lexed.tokens;
  const { rule, from } = startOf(a.result.ast, tokens, preceding === 0 ? 0 : tokenEnd(tokens[preceding - 1]!));
  const near = nextTokens(rule, tokens.slice(Math.min(from, preceding), preceding));
  if (near.length || rule === "rubricFile") return near;
  // The declaration around the cursor is broken before the cursor: offer what starts a statement.
  return nextTokens("declaration", []);
}

/** The scale from the IR, or read off the AST while the rubric does not compile. */
function scaleOf(a: Analysis): Scale | null {
  if (a.ir) return a.ir.scale;
  const d = a.result.ast?.declarations.find((x) => x.kind === "Scale");
  if (!d) return null;
  if (d.passFail) return { kind: "pass_fail" };
  const [min, max, step] = [d.min, d.max, d.step].map((v) => (v ? Number(v.raw) : undefined));
  if (min === undefined || max === undefined || !Number.isFinite(min) || !Number.isFinite(max)) return null;
  const st = step !== undefined && Number.isFinite(step) && step > 0 ? step : 1;
  return max > min ? { kind: "numeric", min, max, step: st } : null;
}

function scaleValues(a: Analysis): number[] {
  const s = scaleOf(a);
  if (!s) return [];
  if (s.kind === "pass_fail") return [0, 1];
  const n = Math.round((s.max - s.min) / s.step);
  if (n > 20) return [s.min, s.max];
  const digits = (String(s.step).split(".")[1] ?? "").length;
  return Array.from({ length: n + 1 }, (_, i) => Number((s.min + i * s.step).toFixed(digits)));
}

function levelsOf(a: Analysis, id: string): number[] {
  const fromIr = a.ir?.criteria.find((c) => c.id === id)?.levels.map((l) => l.value);
  if (fromIr?.length) return fromIr;
  const def = a.symbols.items.get(id);
  if (def?.node.kind !== "Criterion") return [];
  const levels = def.node.settings.find((x) => x.kind === "Levels");
  return levels ? levels.levels.map((l) => Number(l.value.raw)).filter(Number.isFinite) : [];
}

function levelValues(a: Analysis, tokens: readonly IToken[], preceding: number): number[] {
  // `<ref> level below |`: the ref is the name just before `level`.
  for (let i = preceding - 1; i > 0; i--) {
    if (keywordOf(tokens[i]!.tokenType) === "level") return levelsOf(a, tokens[i - 1]!.image);
  }
  return [];
}

function nextLevel(tokens: readonly IToken[], preceding: number): number[] {
  // Inside `levels … end`: offer one past the highest level written so far.
  let max: number | null = null;
  for (let i = preceding - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (keywordOf(t.tokenType) === "levels") break;
    if (t.tokenType.name === "NumberLit") max = Math.max(max ?? -Infinity, Number(t.image));
  }
  return max === null ? [1] : [max + 1];
}

/** Inside quoted text or a comment nothing is offered: the author is writing prose there. */
function inProse(a: Analysis, offset: number): boolean {
  const inside = (t: IToken) => t.startOffset < offset && offset < tokenEnd(t);
  const t = tokenAt(a.lexed.tokens, offset);
  if (t && inside(t) && /String|TextBlock/.test(t.tokenType.name)) return true;
  return a.lexed.comments.some((c) => c.startOffset < offset && offset <= tokenEnd(c));
}

export function complete(a: Analysis, offset: number): CompletionItem[] {
  if (inProse(a, offset)) return [];
  const tokens = a.lexed.tokens;
  let preceding = firstAtOrAfter(tokens, offset);
  // A word the cursor touches is the one being typed: complete it rather than after it.
  const prev = tokens[preceding - 1];
  if (prev && tokenEnd(prev) >= offset && WORD.test(prev.image)) preceding--;
  const next = assist(a, preceding);
  const items = new Map<string, CompletionItem>();
  const add = (label: string, kind: CompletionItemKind, detail?: string) => {
    if (!items.has(label)) items.set(label, { label, kind, ...(detail ? { detail } : {}) });
  };
  const symbols = a.symbols;
  const inputs = () => {
    for (const [name, def] of symbols.inputs)
      add(
        name,
        CompletionItemKind.Variable,
        def.node.kind === "Input" && def.node.quotable ? "quotable input" : "input",
      );
  };
  for (const n of next) {
    const word = keywordOf(n.tokenType);
    const rule = n.ruleStack[n.ruleStack.length - 1] ?? "";
    const parent = n.ruleStack[n.ruleStack.length - 2] ?? "";
    if (word) {
      add(word, CompletionItemKind.Keyword, KEYWORD_DOCS[word]?.text);
      continue;
    }
    const name = n.tokenType.name;
    if (name === "Name" || name === "Identifier") {
      if (rule === "conditionAtom")
        for (const [id, def] of symbols.items) {
          if (def.kind !== "gate") add(id, CompletionItemKind.Reference, def.kind);
        }
      else if (
        rule === "evidencePart" ||
        rule === "checkTest" ||
        rule === "checkPredicate" ||
        rule === "pairwiseSetting"
      )
        inputs();
      else if (rule === "aggregateDecl")
        for (const m of Object.keys(AGGREGATIONS)) add(m, CompletionItemKind.EnumMember);
      else if (rule === "roundingDecl") for (const m of Object.keys(ROUNDINGS)) add(m, CompletionItemKind.EnumMember);
    } else if (rule === "value" || name === "NumberLit") {
      const values =
        parent === "gateAction" || parent === "evidencePolicy"
          ? scaleValues(a)
          : parent === "conditionAtom"
            ? levelValues(a, tokens, preceding)
            : parent === "levelAnchor"
              ? nextLevel(tokens, preceding)
              : [];
      for (const v of values)
        add(String(v), CompletionItemKind.Value, parent === "levelAnchor" ? "next level" : "on the scale");
    }
  }
  return [...items.values()];
}
