/**
 * The wording patterns behind the risk summary: edits that read like refinements but are known
 * to move a judge's preferences (rubric-induced preference drift). They are deliberately plain
 * regular expressions over whitespace-collapsed text, so a reviewer can see why a line was
 * flagged; a match runs to the end of its clause (`.`, `;`, `:` or ", and" / ", but" / ", or" end it).
 *
 * - tie-break / preference rules: "prefer …", "favor …", "tie-break", "break ties", "when both
 *   are equal …", "give the edge to …", "rank … higher";
 * - one-sided comparatives: a blanket ranking of one kind of response over another ("a refusal
 *   is safer than any elaboration", "always prefer X over Y", "every X beats Y");
 * - conditional branches: "if …", "unless …", "whenever …", "only when …", "otherwise …",
 *   "when the question/user/answer …", "for medical questions …";
 * - bias guards (flagged when removed): "do not let length influence you", "regardless of …",
 *   "ignore the order …", "position bias", "not … influence …";
 * - emphasis words: only, always, never, penalize, favor, must, strictly, solely, heavily,
 *   "under no circumstances", "at all costs".
 */
// A clause ends at `.`, `;`, `:`, a line end, or a comma before and / but / or.
const CLAUSE = "(?:(?!, (?:and|but|or) )[^.;:\\n])*";

export const TIE_BREAK = new RegExp(
  "\\b(?:prefer(?:s|red|ring|ence for)?|favou?r(?:s|ed|ing)?|tie[- ]?break\\w*|break(?:s|ing)? (?:a |the )?ties?|in (?:the )?case of (?:a )?tie|" +
    "(?:when|if|where) (?:the )?(?:two |both )?(?:responses|replies|answers|both|they|scores)\\b[^.;:\\n]{0,40}?\\b(?:equal|tied|tie|similar|comparable|equivalent|close)|" +
    "give (?:the )?(?:edge|benefit of the doubt)|rank (?:\\w+ ){0,3}(?:higher|above|first))\\b" +
    CLAUSE,
  "gi",
);

export const ONE_SIDED = new RegExp(
  "\\b(?:[\\w-]+ ){0,2}(?:is|are|counts as|should be (?:considered|rated|treated as|seen as)) (?:(?:always|inherently|generally|usually|categorically|automatically|far|much) )?" +
    "(?:safer|better|worse|preferable|superior|inferior|more \\w+|less \\w+) (?:than|to) (?:any|all|every|each|a|an)\\b" +
    CLAUSE +
    "|\\b(?:always|never) (?:prefer|favou?r|choose|rank|rate|pick)\\b[^.;:\\n]*?\\b(?:over|above|to|than)\\b" +
    CLAUSE +
    "|\\b(?:any|every) [\\w-]+ (?:beats|outranks|trumps|outweighs|wins over)\\b" +
    CLAUSE,
  "gi",
);

export const CONDITIONAL = new RegExp(
  "\\b(?:if|unless|whenever|otherwise|except (?:when|if|for)|only (?:when|if)|in case(?: of)?|" +
    "when(?= (?:the|a|an|it|its|they|both|either|neither|there|one|asked|answering)\\b)|" +
    "for (?:\\w+ ){0,3}(?:questions|prompts|requests|topics|tasks|queries|users|domains))\\b" +
    CLAUSE,
  "gi",
);

export const BIAS_GUARD = new RegExp(
  "\\b(?:do not|don't|never|must not|should not|shouldn't|without)\\b[^.;:\\n]{0,60}?\\b(?:length|longer|shorter|order|position|presented|verbos\\w*|wordy|style|formatting|tone|confiden\\w*|names?|identity)\\b" +
    CLAUSE +
    "|\\b(?:regardless of|irrespective of|independent(?:ly)? of|ignore|ignoring|disregard)\\b" +
    CLAUSE +
    "|\\b(?:length|position(?:al)?|order|verbosity|self-enhancement|style) bias\\w*" +
    CLAUSE,
  "gi",
);

/** What a bias guard protects against, so a re-worded guard is not reported as removed. */
export function guardTopic(guard: string): string {
  const g = guard.toLowerCase();
  if (/length|\blong|\bshort|verbos|wordy|brevity|concise|word count/.test(g)) return "length";
  if (/order|position|presented|first|second/.test(g)) return "position";
  if (/style|formatting|tone|fluen|confiden/.test(g)) return "style";
  if (/names?\b|identity|model|brand/.test(g)) return "identity";
  return g;
}

export const EMPHASIS =
  /\b(?:only|always|never|penali[sz]\w*|favou?r\w*|must|strictly|solely|heavily|under no circumstances|at all costs)\b/gi;

/** Every match of a global pattern, with its offset. */
export function matchAll(re: RegExp, text: string): { text: string; index: number }[] {
  re.lastIndex = 0;
  return [...text.matchAll(re)].map((m) => ({ text: m[0].trim(), index: m.index }));
}
