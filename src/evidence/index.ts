export { normalize, normalizeQuote, type Normalized } from "./normalize.js";
export { locateQuote, prepareText, type LocateOptions, type MatchKind, type PreparedText, type QuoteMatch } from "./locate.js";
export { verifyEvidence, type CitedQuote, type EvidenceResult, type VerifiedEvidence } from "./verify.js";
