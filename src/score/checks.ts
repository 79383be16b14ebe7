/**
 * Deterministic checks, run locally on the row without the judge (grammar/spec.md §Deterministic
 * checks). A check never throws: whatever goes wrong makes it fail with a one-line reason, so a
 * bad row or pattern shows up in the record instead of stopping a run.
 */
import type { CheckIR, CheckTest } from "../compile/ir.js";
import { lastByRole, parseConversation, type Turn } from "../util/conversation.js";
import { schemaProblem } from "./json-schema.js";
import { parseNumber } from "./numbers.js";
import { type CompiledPattern, compilePattern } from "./safe-regex.js";
import type { CheckResult } from "./types.js";

type RegexTest = Extract<CheckTest, { kind: "regex" }>;
type ToolCallTest = Extract<CheckTest, { kind: "tool_call" }>;
type Outcome = readonly [passed: boolean, detail: string];

/** How a row value reads as text: strings as they are, numbers as written, anything else as JSON. */
export function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** JavaScript's `\s` outside ASCII: the Unicode spaces, line separators and the BOM. */
function isWideSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Whitespace-separated tokens (`\s` as in `trim().split(/\s+/)`), counted without an array. */
export function countWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c < 128 ? c === 32 || (c >= 9 && c <= 13) : isWideSpace(c);
    if (space) inWord = false;
    else if (!inWord) {
      inWord = true;
      n++;
    }
  }
  return n;
}

/** Unicode code points: a surrogate pair (an emoji) is one character. */
export function countCodePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const patterns = new WeakMap<RegexTest, CompiledPattern | { error: string }>();

function compiled(t: RegexTest): CompiledPattern | { error: string } {
  let p = patterns.get(t);
  if (!p) {
    try {
      p = compilePattern(t.pattern, t.flags);
    } catch (err) {
      p = { error: (err as Error).message };
    }
    patterns.set(t, p);
  }
  return p;
}

function collapse(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function other(t: { other: string }, row: Readonly<Record<string, unknown>>): string | null {
  const v = row[t.other];
  return v === undefined || v === null ? null : textOf(v);
}

/** `<input> calls tool <name> [with arguments matching <schema>]`: some call of the tool (whose arguments match). */
function toolCalled(t: ToolCallTest, turns: readonly Turn[]): Outcome {
  const calls = turns.flatMap((m) => (m.tool_calls ?? []).filter((c) => c.name === t.tool));
  if (calls.length === 0) return [t.negate, `\`${t.tool}\` was not called`];
  const times = `\`${t.tool}\` was called ${calls.length} time${calls.length === 1 ? "" : "s"}`;
  if (t.schema === null) return [!t.negate, times];
  let problem = "";
  for (const [i, c] of calls.entries()) {
    const p = schemaProblem(t.schema, JSON.parse(c.arguments));
    if (p === null) return [!t.negate, `${times}; call ${i + 1}'s arguments match the schema`];
    problem ||= p;
  }
  return [t.negate, `${times}, never with arguments matching the schema (${problem})`];
}

function evaluate(t: CheckTest, value: string, row: Readonly<Record<string, unknown>>): Outcome {
  switch (t.kind) {
    case "tool_call":
      return [false, "a tool call test needs a conversation"];
    case "regex": {
      const p = compiled(t);
      if ("error" in p) return [false, `invalid pattern: ${p.error}`];
      const found = p.test(value);
      if (found === null)
        return [
          false,
          "the pattern took too long on this input (a backreference or lookahead with nested quantifiers?); simplify the pattern",
        ];
      return [found !== t.negate, found ? "pattern found" : "pattern not found"];
    }
    case "contains": {
      const found = t.ignore_case ? value.toLowerCase().includes(t.text.toLowerCase()) : value.includes(t.text);
      return [found !== t.negate, found ? "text found" : "text not found"];
    }
    case "count": {
      const n = t.unit === "words" ? countWords(value) : t.unit === "turns" ? Number(value) : countCodePoints(value);
      const ok = (t.min === null || n >= t.min) && (t.max === null || n <= t.max);
      const bound =
        t.min !== null && n < t.min
          ? `, fewer than ${t.min}`
          : t.max !== null && n > t.max
            ? `, more than ${t.max}`
            : "";
      return [ok, `${n} ${t.unit}${bound}`];
    }
    case "json": {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch (err) {
        return [false, `not valid JSON: ${(err as Error).message}`];
      }
      if (t.schema === null) return [true, "valid JSON"];
      const problem = schemaProblem(t.schema, parsed);
      return problem === null
        ? [true, "valid JSON matching the schema"]
        : [false, `does not match the schema: ${problem}`];
    }
    case "equals": {
      const o = other(t, row);
      if (o === null) return [false, `input \`${t.other}\` is missing`];
      let a = value;
      let b = o;
      if (t.ignore_whitespace) [a, b] = [collapse(a), collapse(b)];
      if (t.ignore_case) [a, b] = [a.toLowerCase(), b.toLowerCase()];
      return a === b ? [true, "equal"] : [false, "different"];
    }
    case "numeric": {
      const o = other(t, row);
      if (o === null) return [false, `input \`${t.other}\` is missing`];
      const a = parseNumber(value);
      if (a === null) return [false, `no number in \`${t.input}\``];
      const b = parseNumber(o);
      if (b === null) return [false, `no number in \`${t.other}\``];
      // Slack of a few ulps, so 0.1 + 0.2 equals 0.3 within tolerance 0.
      const slack = 4 * Number.EPSILON * Math.max(1, Math.abs(a), Math.abs(b));
      const ok = Math.abs(a - b) <= t.tolerance + slack;
      return [ok, `${a} vs ${b}${ok ? "" : `, off by more than ${t.tolerance}`}`];
    }
  }
}

/** The text a test reads: the input, or for rules over structure what they read of the conversation. */
function subject(t: CheckTest, raw: unknown): Outcome | { text: string; turns?: Turn[] } {
  const structural = t.kind === "tool_call" || (t.kind === "count" && t.unit === "turns") || ("last" in t && t.last);
  if (!structural) return { text: textOf(raw) };
  const c = parseConversation(raw);
  if (!c.ok) return [false, `input \`${t.input}\` is not a conversation: it ${c.error}`];
  if (t.kind === "count") return { text: String(c.turns.length), turns: c.turns };
  if (t.kind === "tool_call") return { text: "", turns: c.turns };
  const role = "last" in t ? (t.last ?? "") : "";
  const m = lastByRole(c.turns, role);
  if (!m) return [false, `\`${t.input}\` has no \`${role}\` message`];
  return { text: m.content };
}

export function runCheck(check: CheckIR, row: Readonly<Record<string, unknown>>): CheckResult {
  const t = check.test;
  const raw = row[t.input];
  if (raw === undefined || raw === null)
    return { id: check.id, passed: false, detail: `input \`${t.input}\` is missing` };
  try {
    const s = subject(t, raw);
    if (Array.isArray(s)) return { id: check.id, passed: s[0], detail: s[1] };
    const { text, turns } = s as { text: string; turns?: Turn[] };
    const [passed, detail] = t.kind === "tool_call" ? toolCalled(t, turns ?? []) : evaluate(t, text, row);
    return { id: check.id, passed, detail };
  } catch (err) {
    return { id: check.id, passed: false, detail: `the check could not run: ${(err as Error).message}` };
  }
}
