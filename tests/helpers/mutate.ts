/** Source mutations for fuzzing: delete, duplicate, swap and inject pieces of real rubrics. */
import { AGGREGATIONS, ROUNDINGS } from "../../src/compile/rules/aggregation.js";
import { KEYWORDS } from "../../src/syntax/tokens.js";

/**
 * One sample of each token that is not a keyword (tests/syntax/parse.fuzz.test.ts checks that
 * every such token type has one): literals, punctuation, names, and the unterminated forms.
 */
export const NON_KEYWORD_SAMPLES = [
  "1.0.0",
  "1.2",
  '"t"',
  '"""\nblock\n"""',
  '"x.rubric"',
  "/a+b/i",
  "sha256:00",
  "#c\n",
  "..",
  ",",
  ":",
  '"',
  '"""',
  "c1",
  "response",
  "1",
  "5",
  "0.5",
  "-3",
];

// Plain names to the lexer, meaningful to the parser and compiler: whole, and word by word, so
// `weighted` and `half` also come without the word the parser looks for after them.
const methodNames = [...Object.keys(AGGREGATIONS), ...Object.keys(ROUNDINGS)].flatMap((m) => [m, ...m.split(" ")]);

/**
 * The words and pieces fuzzers build rubrics from: every keyword as the lexer knows it, the
 * aggregation and rounding names, and the samples above; derived, so a new keyword is fuzzed
 * the day it is added.
 */
export const TOKENS_OF_THE_LANGUAGE: readonly string[] = [
  ...new Set([...KEYWORDS, ...methodNames, ...NON_KEYWORD_SAMPLES]),
];

export function mutateSource(text: string, seeds: readonly number[]): string {
  let s = text;
  for (const seed of seeds) {
    if (s.length === 0) break;
    const at = seed % s.length;
    const len = 1 + ((seed >> 3) % 40);
    switch (seed % 5) {
      case 0:
        s = s.slice(0, at) + s.slice(at + len);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      case 2:
        s = `${s.slice(0, at) + TOKENS_OF_THE_LANGUAGE[seed % TOKENS_OF_THE_LANGUAGE.length]} ${s.slice(at)}`;
        break;
      case 3: {
        const other = (seed * 7919) % s.length;
        const [a, b] = at < other ? [at, other] : [other, at];
        s = s.slice(0, a) + s.slice(b, b + len) + s.slice(a + len, b) + s.slice(a, a + len) + s.slice(b + len);
        break;
      }
      default:
        s = s.slice(0, at) + String.fromCharCode(seed % 0x2fff) + s.slice(at + 1);
    }
  }
  return s;
}
