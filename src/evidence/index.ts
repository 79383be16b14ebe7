export {
  type ConversationMatch,
  locateInConversation,
  type PreparedConversation,
  prepareConversation,
} from "./conversation.js";
export { MAX_FUZZY_WORDS } from "./fuzzy.js";
export { DEFAULT_MIN_FUZZY_CHARS, type LocateOptions, locateQuote, type MatchKind, type QuoteMatch } from "./locate.js";
export { isMeaningWord } from "./meaning.js";
export { type Normalized, normalize, normalizeQuote } from "./normalize.js";
export { type PreparedText, prepareText } from "./prepare.js";
export {
  type CitedQuote,
  type EvidenceInputs,
  type EvidenceResult,
  type EvidenceRule,
  type EvidenceText,
  type VerifiedEvidence,
  verifyEvidence,
} from "./verify.js";
