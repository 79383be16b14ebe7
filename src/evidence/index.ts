export { normalize, normalizeQuote, type Normalized } from "./normalize.js";
export { prepareText, type PreparedText } from "./prepare.js";
export { DEFAULT_MIN_FUZZY_CHARS, locateQuote, type LocateOptions, type MatchKind, type QuoteMatch } from "./locate.js";
export { MAX_FUZZY_WORDS } from "./fuzzy.js";
export { isMeaningWord } from "./meaning.js";
export { verifyEvidence, type CitedQuote, type EvidenceResult, type EvidenceRule, type VerifiedEvidence } from "./verify.js";
