/**
 * Verifying the evidence a judge cited for one criterion against the rubric's evidence rule.
 * Decisions:
 * - a quote is looked up in the input the judge named, which must be one the rule allows; with
 *   no input named, in each allowed input in order, and the first that verifies wins;
 * - a quote longer than the word limit is rejected even if found (the rubric asked for short
 *   citations); words are counted as in fuzzy matching, so ellipses and punctuation are not words;
 * - a quote shorter than `min_words` is rejected too (a word or two matches almost anywhere and
 *   supports nothing), unless it is the whole of an input that is itself that short; it is still
 *   located, so a reader sees where it was, but it does not count;
 * - `min_quotes` counts distinct verified passages: citing one sentence twice is one quote;
 * - citing more quotes than `max_quotes` (verified or not) leaves the rule unsatisfied, because
 *   the rubric asked for a bounded citation; every entry is still verified and reported.
 */
import type { EvidenceScope } from "../compile/ir.js";
import { locateInConversation, type PreparedConversation } from "./conversation.js";
import { type LocateOptions, locateQuote, type MatchKind, type QuoteMatch } from "./locate.js";
import type { PreparedText } from "./prepare.js";
import { countWords } from "./tokens.js";

export interface CitedQuote {
  readonly quote: string;
  readonly input?: string | undefined;
}

export interface EvidenceRule {
  readonly from: readonly string[];
  readonly max_words: number | null;
  /** The shortest quote that counts; absent (bundles from before it existed) means no minimum. */
  readonly min_words?: number | undefined;
  readonly min_quotes: number;
  readonly max_quotes: number | null;
  /** Within conversations: one role's messages, or the tool calls' arguments. */
  readonly scope?: EvidenceScope | undefined;
}

/** An input's text as evidence sees it: flat text, or a conversation's messages. */
export type EvidenceText = PreparedText | PreparedConversation;
/** Why a quote did not count: a stable code beside the sentence in `reason`. */
export type RejectedStatus = "too-short" | "too-long" | "input-not-allowed" | "input-missing" | "not-found";

export interface VerifiedEvidence {
  readonly quote: string;
  /** The input the quote was found in; else the one the judge named, or null. */
  readonly input: string | null;
  readonly verified: boolean;
  readonly match: MatchKind;
  /** Conversations: the message (0-based index) and field (`content`, `tool_calls[i].function.arguments`) quoted. */
  readonly turn?: number;
  readonly field?: string;
  /** Offsets in the input's text, or for a conversation in the field's text. */
  readonly start?: number;
  readonly end?: number;
  readonly similarity?: number;
  /** Why the quote was not verified, in words, and as a code. */
  readonly reason?: string;
  readonly status?: RejectedStatus;
  /** `reference`: the quote comes from a reference answer, which is never evidence of the response. */
  readonly refused?: "reference";
}

/** What the inputs are, beyond their text: which hold reference answers. */
export interface EvidenceInputs {
  readonly references?: readonly string[];
}

export interface EvidenceResult {
  readonly entries: VerifiedEvidence[];
  readonly satisfied: boolean;
  readonly reasons: string[];
}

const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");

function locate(
  text: EvidenceText,
  quote: string,
  rule: EvidenceRule,
  opts: LocateOptions,
): QuoteMatch & { turn?: number; field?: string } {
  if ("kind" in text) return locateInConversation(text, quote, rule.scope, opts);
  return locateQuote(text, quote, opts);
}

function verifyOne(
  c: CitedQuote,
  inputs: Readonly<Record<string, EvidenceText>>,
  rule: EvidenceRule,
  opts: LocateOptions,
  kinds: EvidenceInputs,
): VerifiedEvidence {
  const named = c.input === undefined || c.input === "" ? null : c.input;
  const rejected = (status: RejectedStatus, reason: string): VerifiedEvidence => ({
    quote: c.quote,
    input: named,
    verified: false,
    match: "none",
    reason,
    status,
  });
  const references = kinds.references ?? [];
  if (named !== null && references.includes(named))
    return {
      ...rejected("input-not-allowed", `\`${named}\` is a reference answer, which is never evidence of the response`),
      refused: "reference",
    };
  if (named !== null && !rule.from.includes(named)) {
    return rejected("input-not-allowed", `input \`${named}\` is not one evidence may come from (${list(rule.from)})`);
  }
  const words = countWords(c.quote);
  if (rule.max_words !== null && words > rule.max_words)
    return rejected("too-long", `longer than ${rule.max_words} words`);
  const short = rule.min_words !== undefined && words < rule.min_words;
  const candidates = named !== null ? [named] : rule.from;
  const searched: string[] = [];
  for (const name of candidates) {
    const text = inputs[name];
    if (!text) continue;
    searched.push(name);
    const m = locate(text, c.quote, rule, opts);
    if (m.match === "none") continue;
    // A short quote counts only when it is all there is: the whole of a short (flat) input.
    if (short && ("kind" in text || countWords(text.original) > words))
      return {
        quote: c.quote,
        input: name,
        verified: false,
        ...m,
        reason: `shorter than ${rule.min_words} words`,
        status: "too-short",
      };
    return { quote: c.quote, input: name, verified: true, ...m };
  }
  if (searched.length === 0) return rejected("input-missing", `no text for ${list(candidates)} in this row`);
  // A quote the response does not hold but the reference does was copied from the reference.
  for (const ref of references) {
    const text = inputs[ref];
    if (text && locate(text, c.quote, { ...rule, scope: undefined }, opts).match !== "none")
      return {
        ...rejected(
          "not-found",
          `not found in ${list(searched)} but in \`${ref}\`, a reference answer, which is never evidence of the response`,
        ),
        input: ref,
        refused: "reference",
      };
  }
  const where =
    rule.scope === undefined ? "" : rule.scope === "tool_calls" ? " (tool calls)" : ` (${rule.scope} turns)`;
  return rejected("not-found", `not found in ${list(searched)}${where}`);
}

export function verifyEvidence(
  cited: readonly CitedQuote[],
  inputs: Readonly<Record<string, EvidenceText>>,
  rule: EvidenceRule,
  opts: LocateOptions,
  kinds: EvidenceInputs = {},
): EvidenceResult {
  const entries = cited.map((c) => verifyOne(c, inputs, rule, opts, kinds));
  const passages = new Set(
    entries
      .filter((e) => e.verified)
      .map((e) => `${e.input}\u0000${e.turn ?? ""}\u0000${e.field ?? ""}\u0000${e.start}\u0000${e.end}`),
  );
  const reasons: string[] = [];
  if (passages.size < rule.min_quotes) {
    reasons.push(
      `${passages.size} of the ${rule.min_quotes} required quote${rule.min_quotes === 1 ? "" : "s"} verified`,
    );
  }
  if (rule.max_quotes !== null && cited.length > rule.max_quotes)
    reasons.push(`${cited.length} quotes cited, at most ${rule.max_quotes} allowed`);
  return { entries, satisfied: reasons.length === 0, reasons };
}
