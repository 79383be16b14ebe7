/**
 * Verifying the evidence a judge cited for one criterion against the rubric's evidence rule.
 * Decisions: a quote is looked up in the input the judge named (which must be allowed), else in
 * each allowed input in order; a quote longer than the word limit is rejected even if found
 * (the rubric asked for short citations); more quotes than allowed makes the rule unsatisfied.
 */
import type { EvidenceRuleIR } from "../compile/ir.js";
import { locateQuote, type MatchKind, type PreparedText } from "./locate.js";

export interface CitedQuote {
  readonly quote: string;
  readonly input?: string;
}

export interface VerifiedEvidence {
  readonly quote: string;
  readonly input: string | null;
  readonly verified: boolean;
  readonly match: MatchKind;
  readonly start?: number;
  readonly end?: number;
  readonly similarity?: number;
  readonly reason?: string;
}

export interface EvidenceResult {
  readonly entries: VerifiedEvidence[];
  readonly satisfied: boolean;
  readonly reasons: string[];
}

function wordCount(s: string): number {
  const t = s.trim();
  return t === "" ? 0 : t.split(/\s+/).length;
}

export function verifyEvidence(
  cited: readonly CitedQuote[],
  inputs: Readonly<Record<string, PreparedText>>,
  rule: EvidenceRuleIR,
  opts: { fuzzyThreshold: number },
): EvidenceResult {
  const entries: VerifiedEvidence[] = cited.map((c) => {
    if (rule.max_words !== null && wordCount(c.quote) > rule.max_words) {
      return { quote: c.quote, input: c.input ?? null, verified: false, match: "none", reason: `longer than ${rule.max_words} words` };
    }
    if (c.input !== undefined && c.input !== "" && !rule.from.includes(c.input)) {
      return { quote: c.quote, input: c.input, verified: false, match: "none", reason: `input \`${c.input}\` is not one evidence may come from (${rule.from.join(", ")})` };
    }
    const candidates = c.input ? [c.input] : rule.from;
    for (const name of candidates) {
      const text = inputs[name];
      if (!text) continue;
      const m = locateQuote(text, c.quote, opts);
      if (m.match !== "none") return { quote: c.quote, input: name, verified: true, ...m };
    }
    return { quote: c.quote, input: c.input ?? null, verified: false, match: "none", reason: "not found in the input" };
  });
  const verified = entries.filter((e) => e.verified).length;
  const reasons: string[] = [];
  if (verified < rule.min_quotes) reasons.push(`${verified} of the ${rule.min_quotes} required quote${rule.min_quotes === 1 ? "" : "s"} verified`);
  if (rule.max_quotes !== null && cited.length > rule.max_quotes) reasons.push(`${cited.length} quotes cited, at most ${rule.max_quotes} allowed`);
  return { entries, satisfied: reasons.length === 0, reasons };
}
