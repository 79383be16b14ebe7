/**
 * Hovers: for a criterion or check, its share of the total weight (the figure `rulers diff`
 * reports), its levels and the fragment of the judge's answer schema it produces; for an input,
 * how it is declared; for a keyword, what it means, with a link to its section of the spec.
 */
import type { Hover } from "vscode-languageserver";
import { answerSchema } from "../bundle/answer-schema.js";
import type { CheckIR, CriterionIR, RubricIR } from "../compile/ir.js";
import { effectiveShares } from "../drift/diff.js";
import { keywordOf } from "../syntax/index.js";
import type { Analysis } from "./analysis.js";
import { KEYWORD_DOCS, specLink } from "./keywords.js";
import { definitionOf, occurrenceAt, type SymbolDef } from "./symbols.js";
import { tokenAt } from "./tokens.js";

const pct = (x: number) => `${(x * 100).toFixed(1).replace(/\.0$/, "")}%`;

function shareLine(a: Analysis, id: string): string | null {
  const ir = a.ir;
  if (!ir) return "weight share: not known until the rubric compiles";
  const share = effectiveShares(ir).get(id);
  if (share === undefined) return null;
  const how =
    ir.aggregation.method === "minimum" || ir.aggregation.method === "sum"
      ? ` (nominal: under \`${ir.aggregation.method}\` the share is not the item's real say)`
      : "";
  const stale = a.irIsCurrent ? "" : " (as of the last version that compiled)";
  return `**${pct(share)}** of the total weight${how}${stale}`;
}

function weighting(x: Pick<CriterionIR, "weight" | "points">): string {
  return x.points !== null ? `points ${x.points}${x.points < 0 ? " (a penalty)" : ""}` : `weight ${x.weight ?? 1}`;
}

function schemaFragment(ir: RubricIR, id: string): unknown {
  const schema = answerSchema(ir) as { properties?: { criteria?: { properties?: Record<string, unknown> } } };
  return schema.properties?.criteria?.properties?.[id];
}

/** Indented JSON with lists of plain values on one line, so a schema fits in a hover. */
function compactJson(x: unknown): string {
  return JSON.stringify(x, null, 2).replace(
    /\[\s+([^[\]{}]*?)\s+\]/g,
    (_, inner: string) => `[${inner.replace(/,\s+/g, ", ")}]`,
  );
}

function criterionHover(a: Analysis, c: CriterionIR): string[] {
  const out = [`**criterion** \`${c.id}\`${c.title ? ` — ${c.title}` : ""}`, ""];
  const share = shareLine(a, c.id);
  out.push(`${c.kind}, ${weighting(c)}${share ? ` · ${share}` : ""}`);
  if (c.description) out.push("", c.description.length > 400 ? `${c.description.slice(0, 400)}…` : c.description);
  if (c.levels.length) {
    out.push("", "| level | anchor |", "|---|---|");
    for (const l of c.levels) out.push(`| ${l.value} | ${l.anchor.replace(/\s+/g, " ").replace(/\|/g, "\\|")} |`);
  }
  if (c.evidence.min_quotes > 0 || c.evidence.max_quotes !== null) {
    const from = c.evidence.from.length ? ` from ${c.evidence.from.map((f) => `\`${f}\``).join(" or ")}` : "";
    const words = c.evidence.min_words !== undefined ? `, each at least ${c.evidence.min_words} word(s)` : "";
    out.push("", `evidence: at least ${c.evidence.min_quotes} quote(s)${from}${words}`);
  }
  const fragment = a.ir ? schemaFragment(a.ir, c.id) : undefined;
  if (fragment !== undefined) out.push("", "answer schema:", "```json", compactJson(fragment), "```");
  return out;
}

/** A check's test in the words the rubric uses for it. */
function describeTest(t: CheckIR["test"]): string {
  const not = (negate: boolean) => (negate ? "does not " : "");
  if (t.kind === "tool_call")
    return `\`${t.input}\` ${t.negate ? "does not call" : "calls"} tool \`${t.tool}\`${t.schema !== null ? " with arguments matching a schema" : ""}`;
  // A text test on one message names it: the last `assistant` message of `chat`.
  const subject = "last" in t && t.last ? `the last \`${t.last}\` message of \`${t.input}\`` : `\`${t.input}\``;
  switch (t.kind) {
    case "count": {
      const range =
        t.min !== null && t.max !== null
          ? `between ${t.min} and ${t.max}`
          : t.min !== null
            ? `at least ${t.min}`
            : `at most ${t.max}`;
      return `${t.unit} of \`${t.input}\` ${range}`;
    }
    case "regex":
      return `${subject} ${not(t.negate)}${t.negate ? "match" : "matches"} \`/${t.pattern}/${t.flags}\``;
    case "contains":
      return `${subject} ${not(t.negate)}${t.negate ? "contain" : "contains"} ${JSON.stringify(t.text)}${t.ignore_case ? " ignoring case" : ""}`;
    case "json":
      return `${subject} is valid JSON${t.schema !== null ? " matching a schema" : ""}`;
    case "equals":
      return `${subject} equals \`${t.other}\``;
    case "numeric":
      return `${subject} equals \`${t.other}\` as a number within ${t.tolerance}`;
    default:
      return "a local test";
  }
}

function checkHover(a: Analysis, c: CheckIR): string[] {
  const out = [
    `**check** \`${c.id}\`${c.title ? ` — ${c.title}` : ""}`,
    "",
    `runs locally, without the judge: ${describeTest(c.test)}`,
    "",
  ];
  if (c.weight !== null || c.points !== null) {
    const share = shareLine(a, c.id);
    out.push(`${weighting(c)}${share ? ` · ${share}` : ""}`);
  } else out.push("no weight: it only feeds gates");
  return out;
}

function symbolHover(a: Analysis, def: SymbolDef): string[] {
  const from = def.file ? [`_imported from \`${def.file}\`_`, ""] : [];
  const ir = a.ir;
  if (def.kind === "criterion") {
    const c = ir?.criteria.find((x) => x.id === def.name);
    if (c) return [...from, ...criterionHover(a, c)];
  } else if (def.kind === "check") {
    const c = ir?.checks.find((x) => x.id === def.name);
    if (c) return [...from, ...checkHover(a, c)];
  } else if (def.kind === "gate") {
    const g = ir?.gates.find((x) => x.id === def.name);
    if (g) {
      const action =
        g.action.kind === "cap" ? `caps the score at ${g.action.value}` : `sets the score to ${g.action.value}`;
      return [...from, `**gate** \`${g.id}\`${g.title ? ` — ${g.title}` : ""}`, "", `when it fires, ${action}`];
    }
  } else if (def.kind === "input" && def.node.kind === "Input") {
    const d = def.node;
    return [
      `**input** \`${def.name}\`${d.inputKind && d.inputKind !== "text" ? ` (${d.inputKind})` : ""}${d.quotable ? " (quotable)" : ""}`,
      ...(d.description ? ["", d.description.value] : []),
    ];
  }
  const node = def.node;
  const title = "title" in node && node.title ? ` — ${node.title.value}` : "";
  return [...from, `**${def.kind}** \`${def.name}\`${title}`];
}

export function hover(a: Analysis, offset: number): Hover | null {
  const o = occurrenceAt(a.symbols, offset);
  if (o) {
    const def = definitionOf(a.symbols, o);
    const lines = def ? symbolHover(a, def) : [`\`${o.name}\` is not declared`];
    return {
      contents: { kind: "markdown", value: lines.join("\n") },
      range: { start: a.doc.positionAt(o.span.start), end: a.doc.positionAt(o.span.end) },
    };
  }
  const t = tokenAt(a.lexed.tokens, offset);
  const word = t ? keywordOf(t.tokenType) : undefined;
  if (!t || !word) return null;
  const doc = KEYWORD_DOCS[word];
  const section = doc?.section ?? "Lexical structure";
  const value = [
    `**${word}**${doc ? ` — ${doc.text}` : " (keyword)"}`,
    "",
    `[spec: ${section}](${specLink(section)})`,
  ].join("\n");
  return {
    contents: { kind: "markdown", value },
    range: { start: a.doc.positionAt(t.startOffset), end: a.doc.positionAt((t.endOffset ?? t.startOffset) + 1) },
  };
}
