/**
 * Verifying the evidence a judge cited for one criterion against the rubric's evidence rule.
 * Decisions:
 * - a quote is looked up in the input the judge named, which must be one the rule allows; with
 *   no input named, in each allowed input in order, and the first that verifies wins;
 * - a quote longer than the word limit is rejected even if found (the rubric asked for short
 *   citations); words are counted as in fuzzy matching, so ellipses and punctuation are not words;
 * - `min_quotes` counts distinct verified passages: citing one sentence twice is one quote;
 * - citing more quotes than `max_quotes` (verified or not) leaves the rule unsatisfied, because
 *   the rubric asked for a bounded citation; every entry is still verified and reported.
 */
import { type LocateOptions, locateQuote, type MatchKind } from "./locate.js";
import type { PreparedText } from "./prepare.js";
import { countWords } from "./tokens.js";

export interface CitedQuote {
  readonly quote: string;
  readonly input?: string | undefined;
}

export interface EvidenceRule {
  readonly from: readonly string[];
  readonly max_words: number | null;
  readonly min_quotes: number;
  readonly max_quotes: number | null;
}

export interface VerifiedEvidence {
  readonly quote: string;
  /** The input the quote was found in; else the one the judge named, or null. */
  readonly input: string | null;
  readonly verified: boolean;
  readonly match: MatchKind;
  readonly start?: number;
  readonly end?: number;
  readonly similarity?: number;
  /** Why the quote was not verified. */
  readonly reason?: string;
}

export interface EvidenceResult {
  readonly entries: VerifiedEvidence[];
  readonly satisfied: boolean;
  readonly reasons: string[];
}

const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");

function verifyOne(
  c: CitedQuote,
  inputs: Readonly<Record<string, PreparedText>>,
  rule: EvidenceRule,
  opts: LocateOptions,
): VerifiedEvidence {
  const named = c.input === undefined || c.input === "" ? null : c.input;
  const rejected = (reason: string): VerifiedEvidence => ({
    quote: c.quote,
    input: named,
    verified: false,
    match: "none",
    reason,
  });
  if (named !== null && !rule.from.includes(named)) {
    return rejected(`input \`${named}\` is not one evidence may come from (${list(rule.from)})`);
  }
  const words = countWords(c.quote);
  if (rule.max_words !== null && words > rule.max_words) return rejected(`longer than ${rule.max_words} words`);
  const candidates = named !== null ? [named] : rule.from;
  const searched: string[] = [];
  for (const name of candidates) {
    const text = inputs[name];
    if (!text) continue;
    searched.push(name);
    const m = locateQuote(text, c.quote, opts);
    if (m.match !== "none") return { quote: c.quote, input: name, verified: true, ...m };
  }
  if (searched.length === 0) return rejected(`no text for ${list(candidates)} in this row`);
  return rejected(`not found in ${list(searched)}`);
}

export function verifyEvidence(
  cited: readonly CitedQuote[],
  inputs: Readonly<Record<string, PreparedText>>,
  rule: EvidenceRule,
  opts: LocateOptions,
): EvidenceResult {
  const entries = cited.map((c) => verifyOne(c, inputs, rule, opts));
  const passages = new Set(entries.filter((e) => e.verified).map((e) => `${e.input}\u0000${e.start}\u0000${e.end}`));
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
