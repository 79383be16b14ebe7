/**
 * The response features drift reports on — deliberately simple and documented, so a reader can
 * check them by eye:
 * - length: words (whitespace-separated tokens);
 * - refusal: the text declines or deflects ("I can't", "I cannot", "I'm unable", "I won't",
 *   "as an AI", "I'm not able to", "consult a professional" as the whole answer…);
 * - hedging: count of hedges and caveats ("may", "might", "could", "possibly", "perhaps",
 *   "it depends", "not sure", "generally", "in some cases", "consult", "however");
 * - formatting: count of list items and headings (lines starting with -, *, •, "1." or #).
 */
export interface ResponseFeatures {
  readonly length: number;
  readonly refusal: number;
  readonly hedging: number;
  readonly formatting: number;
}

const REFUSAL = /\b(?:i can(?:'|’)?not|i can(?:'|’)t|i(?:'|’)m (?:not able|unable)|i am (?:not able|unable)|i won(?:'|’)t|i will not|as an ai\b|i(?:'|’)m sorry, but|i must decline)/i;
const HEDGES = /\b(?:may|might|could|possibly|perhaps|it depends|not sure|generally|in some cases|consult|however|likely|typically)\b/gi;
const FORMAT = /^\s*(?:[-*•]|\d+[.)]|#{1,6})\s+/gm;

export function featuresOf(text: string): ResponseFeatures {
  const t = text ?? "";
  return {
    length: t.trim() === "" ? 0 : t.trim().split(/\s+/).length,
    refusal: REFUSAL.test(t) ? 1 : 0,
    hedging: (t.match(HEDGES) ?? []).length,
    formatting: (t.match(FORMAT) ?? []).length,
  };
}

export const FEATURE_NAMES: readonly (keyof ResponseFeatures)[] = ["length", "refusal", "hedging", "formatting"];
