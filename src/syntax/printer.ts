/**
 * The canonical printer behind `rulers fmt`: one layout for every rubric, comments kept where
 * they were (own-line comments above the next statement, trailing ones at the end of their
 * line). Printing is idempotent and never changes meaning, so it never changes a bundle hash.
 */
import type * as A from "./ast.js";
import { decodeTextBlock, encodeString, needsEscapes } from "./text.js";

const INDENT = "  ";

class Printer {
  private readonly lines: string[] = [];
  private next = 0;
  constructor(private readonly comments: readonly A.Comment[]) {}

  /** Emit every comment that starts before `offset`. */
  flush(offset: number, depth: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.loc.start < offset) {
      const c = this.comments[this.next++]!;
      let last = this.lines.length - 1;
      while (last >= 0 && this.lines[last] === "") last--;
      if (c.trailing && last >= 0) {
        this.lines[last] += `  ${c.text}`;
      } else {
        this.lines.push(INDENT.repeat(depth) + c.text);
        if (c.blankAfter) this.lines.push("");
      }
    }
  }

  line(depth: number, text: string, at?: number): void {
    if (at !== undefined) this.flush(at, depth);
    this.dedupeBlank();
    this.lines.push(text === "" ? "" : INDENT.repeat(depth) + text);
  }

  appendToLast(text: string): void {
    this.lines[this.lines.length - 1] += text;
  }

  blank(): void {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== "") this.lines.push("");
  }

  /** Comments may leave a blank line that the next statement's own spacing would double. */
  private dedupeBlank(): void {
    while (
      this.lines.length > 1 &&
      this.lines[this.lines.length - 1] === "" &&
      this.lines[this.lines.length - 2] === ""
    )
      this.lines.pop();
  }

  result(): string {
    this.flush(Infinity, 0);
    while (this.lines.length && this.lines[this.lines.length - 1] === "") this.lines.pop();
    return `${this.lines.join("\n")}\n`;
  }
}

/** A text as source: a `"""` block when it spans lines and survives the round trip. */
export function printText(t: A.Text | string, depth: number, preferBlock = false): string {
  const value = typeof t === "string" ? t : t.value;
  const wantBlock = preferBlock || value.includes("\n") || (typeof t !== "string" && t.block);
  if (wantBlock && !value.includes('"""') && value !== "" && !needsEscapes(value)) {
    const pad = INDENT.repeat(depth + 1);
    const body = value
      .split("\n")
      .map((l) => (l === "" ? "" : pad + l))
      .join("\n");
    const printed = `"""\n${body}\n${INDENT.repeat(depth)}"""`;
    if (decodeTextBlock(printed) === value) return printed;
  }
  return encodeString(value);
}

const SETTING_WORDS: Partial<Record<A.Setting["key"], string>> = {
  max_tokens: "max tokens",
  quote_match: "quote match",
  reasoning_effort: "reasoning effort",
  reasoning_budget: "reasoning budget",
};

function printValue(v: A.Value): string {
  return v.type === "string" ? encodeString(v.raw) : v.raw;
}

function printPolicy(p: A.EvidencePolicyNode): string {
  return `if evidence fails then ${p.action === "cap" ? `cap score at ${p.value ? printValue(p.value) : "?"}` : p.action}`;
}

function printEvidence(e: A.EvidenceRuleNode): string {
  const parts: string[] = [];
  if (e.minQuotes) parts.push(`at least ${printValue(e.minQuotes)} ${e.minQuotes.raw === "1" ? "quote" : "quotes"}`);
  if (e.maxQuotes) parts.push(`at most ${printValue(e.maxQuotes)} ${e.maxQuotes.raw === "1" ? "quote" : "quotes"}`);
  if (e.from.length) parts.push(`from ${e.from.map((f) => f.name).join(" or ")}`);
  if (e.scope) parts.push(e.scope.role ? `in ${e.scope.role.name} turns` : "in tool calls");
  const words: string[] = [];
  if (e.minWords) words.push(`at least ${printValue(e.minWords)} ${e.minWords.raw === "1" ? "word" : "words"}`);
  if (e.maxWords) words.push(`at most ${printValue(e.maxWords)} words`);
  if (!parts.length) return `evidence ${words.join(", ")}`;
  return [`evidence ${parts.join(" ")}`, ...words].join(", ");
}

function printCondition(c: A.ConditionNode): string {
  switch (c.kind) {
    case "MetCondition":
      return c.word === "fails" || c.word === "passes" ? `${c.ref.name} ${c.word}` : `${c.ref.name} is ${c.word}`;
    case "LevelCondition": {
      const op = { "<": "below", ">": "above", "<=": "at most", ">=": "at least", "==": "is" }[c.op];
      return `${c.ref.name} level ${op} ${printValue(c.value)}`;
    }
    case "LogicalCondition":
      return c.operands.map(printCondition).join(` ${c.op} `);
  }
}

function printTest(t: A.CheckTestNode): string {
  const ign = (cs: boolean, ws = false) => `${cs ? " ignoring case" : ""}${ws ? " ignoring whitespace" : ""}`;
  const subject =
    t.kind !== "CountTest" && t.last ? `last ${t.last.role.name} message of ${t.input.name}` : t.input.name;
  switch (t.kind) {
    case "ToolCallTest": {
      const name = /^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(t.tool) ? t.tool : encodeString(t.tool);
      return `${subject} ${t.negate ? "does not call" : "calls"} tool ${name}`;
    }
    case "CountTest": {
      const range =
        t.min && t.max
          ? `between ${printValue(t.min)} and ${printValue(t.max)}`
          : t.min
            ? `at least ${printValue(t.min)}`
            : `at most ${printValue(t.max!)}`;
      return `${t.unit} of ${t.input.name} ${range}`;
    }
    case "RegexTest":
      return `${subject} ${t.negate ? "does not match" : "matches"} ${t.regex}`;
    case "ContainsTest":
      return `${subject} ${t.negate ? "does not contain" : "contains"} ${encodeString(t.text.value)}${ign(t.ignoreCase)}`;
    case "JsonTest":
      return `${subject} is valid json`;
    case "EqualsTest":
      return `${subject} equals ${t.other.name}${ign(t.ignoreCase, t.ignoreWhitespace)}`;
    case "NumericTest":
      return `${subject} equals ${t.other.name} as number${t.tolerance ? ` within ${printValue(t.tolerance)}` : ""}`;
  }
}

function printSetting(p: Printer, s: A.CriterionSetting, depth: number): void {
  switch (s.kind) {
    case "Text":
      p.line(depth, printText(s, depth), s.loc.start);
      return;
    case "Setting":
      p.line(depth, `${s.key} ${printValue(s.value)}`, s.loc.start);
      return;
    case "EvidenceRule":
      p.line(depth, printEvidence(s), s.loc.start);
      return;
    case "EvidencePolicy":
      p.line(depth, printPolicy(s), s.loc.start);
      return;
    case "Tags":
      p.line(depth, `tags ${s.tags.map((t) => t.name).join(", ")}`, s.loc.start);
      return;
    case "Kind":
      p.line(depth, s.criterionKind, s.loc.start);
      return;
    case "Levels":
      p.line(depth, "levels", s.loc.start);
      for (const l of s.levels)
        p.line(depth + 1, `${printValue(l.value)} ${printText(l.anchor, depth + 1)}`, l.loc.start);
      p.line(depth, "end", s.loc.end - 1);
      return;
  }
}

function titled(word: string, id: string, title: A.Text | null, depth: number): string {
  return `${word} ${id}${title ? ` ${printText(title, depth)}` : ""}`;
}

function printMember(p: Printer, d: A.CriterionDecl | A.CheckDecl, depth: number, first = false): void {
  if (!first) p.blank();
  if (d.kind === "Criterion") {
    p.line(depth, titled("criterion", d.id.name, d.title, depth), d.loc.start);
    for (const s of d.settings) printSetting(p, s, depth + 1);
  } else {
    p.line(depth, titled("check", d.id.name, d.title, depth), d.loc.start);
    p.line(depth + 1, printTest(d.test), d.test.loc.start);
    // `is valid json matching """…"""`: the schema text goes on the test's line.
    if (d.test.kind === "JsonTest" && d.test.schema)
      p.appendToLast(` matching ${printText(d.test.schema, depth + 1, true)}`);
    if (d.test.kind === "ToolCallTest" && d.test.schema)
      p.appendToLast(` with arguments matching ${printText(d.test.schema, depth + 1, true)}`);
    for (const s of d.settings) p.line(depth + 1, `${s.key} ${printValue(s.value)}`, s.loc.start);
  }
  p.line(depth, "end", d.loc.end - 1);
}

function printDeclaration(p: Printer, d: A.Declaration): void {
  const at = d.loc.start;
  switch (d.kind) {
    case "Title":
      p.line(0, `title ${printText(d.text, 0)}`, at);
      return;
    case "Description":
      p.line(0, `description ${printText(d.text, 0)}`, at);
      return;
    case "Instructions":
      p.blank();
      p.line(0, `instructions ${printText(d.text, 0, true)}`, at);
      return;
    case "Tags":
      p.line(0, `tags ${d.tags.map((t) => t.name).join(", ")}`, at);
      return;
    case "Mode":
      if (d.mode === "pointwise") {
        p.line(0, "mode pointwise", at);
        return;
      }
      p.line(0, "mode pairwise", at);
      for (const s of d.settings) {
        const text =
          s.kind === "Compare"
            ? `compare ${s.a.name} and ${s.b.name}`
            : s.kind === "SwapOrder"
              ? "swap order"
              : s.kind === "Ties"
                ? s.allowed
                  ? "ties allowed"
                  : "no ties"
                : `if order disagrees then ${s.then}`;
        p.line(1, text, s.loc.start);
      }
      p.line(0, "end", d.loc.end - 1);
      return;
    case "Input":
      p.line(
        0,
        `input ${d.name.name}${d.inputKind ? ` ${d.inputKind}` : ""}${d.description ? ` ${printText(d.description, 0)}` : ""}${d.quotable ? ", quotable" : ""}`,
        at,
      );
      return;
    case "Scale":
      if (d.passFail) {
        p.line(0, "scale pass or fail", at);
        return;
      }
      p.line(
        0,
        `scale ${printValue(d.min!)} to ${printValue(d.max!)}${d.step ? ` step ${printValue(d.step)}` : ""}`,
        at,
      );
      return;
    case "Judge":
      p.blank();
      p.line(0, "judge", at);
      for (const s of d.settings) {
        const text =
          s.kind === "Setting"
            ? `${SETTING_WORDS[s.key] ?? s.key} ${printValue(s.value)}`
            : s.kind === "PerCriterion"
              ? "each criterion separately"
              : s.kind === "Order"
                ? s.order === "evidence_first"
                  ? "evidence before verdict"
                  : "verdict before evidence"
                : printPolicy(s);
        p.line(1, text, s.loc.start);
      }
      p.line(0, "end", d.loc.end - 1);
      return;
    case "Aggregate":
      p.blank();
      p.line(0, `aggregate ${d.method}`, at);
      return;
    case "Rounding":
      p.line(0, `rounding ${d.mode}`, at);
      return;
    case "Section":
      p.blank();
      p.line(0, `section ${printText(d.title, 0)}`, at);
      for (const [i, m] of d.members.entries()) printMember(p, m, 1, i === 0);
      p.line(0, "end", d.loc.end - 1);
      return;
    case "Criterion":
    case "Check":
      printMember(p, d, 0);
      return;
    case "Gate":
      p.blank();
      p.line(0, titled("gate", d.id.name, d.title, 0), at);
      p.line(1, `when ${printCondition(d.when)}`, d.when.loc.start);
      p.line(
        1,
        d.action === "cap" ? `cap score at ${printValue(d.value)}` : `set score to ${printValue(d.value)}`,
        d.value.loc.start,
      );
      p.line(0, "end", d.loc.end - 1);
      return;
    case "Import":
      p.line(0, `import ${encodeString(d.path)}${d.hash ? ` ${d.hash}` : ""}`, at);
      return;
    case "Template":
      p.blank();
      p.line(0, `per item criteria from ${d.field.name}`, at);
      for (const s of d.settings) {
        const text =
          s.kind === "Kind" ? s.criterionKind : s.kind === "EvidenceRule" ? printEvidence(s) : printPolicy(s);
        p.line(1, text, s.loc.start);
      }
      p.line(0, "end", d.loc.end - 1);
      return;
  }
}

function isBlock(d: A.Declaration): boolean {
  return (
    ["Judge", "Section", "Criterion", "Check", "Gate", "Template", "Instructions"].includes(d.kind) ||
    (d.kind === "Mode" && d.mode === "pairwise")
  );
}

export function printRubric(file: A.RubricFile): string {
  const p = new Printer(file.comments);
  if (file.header) {
    const h = file.header;
    p.line(0, `${h.form} ${h.id.name} version ${printValue(h.version)}`, h.loc.start);
    p.blank();
  }
  // A blank line separates the header lines, the one-line settings, and every block.
  let group = "";
  for (const d of file.declarations) {
    const g = d.kind === "Title" || d.kind === "Description" || d.kind === "Tags" ? "header" : "settings";
    if (group !== "" && g !== group) p.blank();
    printDeclaration(p, d);
    group = d.loc.end - d.loc.start > 0 && isBlock(d) ? "block" : g;
  }
  return p.result();
}
