/**
 * Words whose change flips what a sentence says: negations and numbers. A fuzzy match tolerates
 * a changed or missing word in ten, but "do not drive" quoted as "do drive", or "911" as "119",
 * is a different claim, not a copying slip; so a fuzzy match must keep these words exactly.
 */
const NEGATIONS = new Set([
  "not",
  "no",
  "never",
  "none",
  "nor",
  "neither",
  "nobody",
  "nothing",
  "nowhere",
  "cannot",
  "without",
  "dont",
  "doesnt",
  "didnt",
  "isnt",
  "wasnt",
  "arent",
  "werent",
  "cant",
  "couldnt",
  "wouldnt",
  "shouldnt",
  "wont",
  "hasnt",
  "havent",
  "hadnt",
  "mustnt",
  "neednt",
  "aint",
]);

export function isMeaningWord(word: string): boolean {
  return NEGATIONS.has(word) || word.endsWith("n't") || /\p{N}/u.test(word);
}

/** The meaning words of a word list, sorted, as one comparable key. */
export function meaningKey(words: readonly string[]): string {
  return words.filter(isMeaningWord).sort().join("\u0000");
}
