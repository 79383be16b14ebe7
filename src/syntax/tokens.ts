/**
 * Tokens of the rubric language. Keywords are ordinary words that also count as names
 * (category `Name`), so a criterion may be called `score` or an input `evidence`; the parser
 * decides by position. Newlines carry no meaning: every statement starts with a keyword.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});
export const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: "comments" });

export const TextBlock = createToken({ name: "TextBlock", pattern: /"""[\s\S]*?"""/, line_breaks: true });
// Matched only when the real TextBlock / String failed, so the error can say "unterminated".
export const UnterminatedTextBlock = createToken({
  name: "UnterminatedTextBlock",
  pattern: /"""[\s\S]*/,
  line_breaks: true,
});
export const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\n]|\\.)*"/ });
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n]|\\.)*/ });
export const RegexLit = createToken({ name: "RegexLit", pattern: /\/(?:[^/\\\n]|\\.)+\/[a-z]*/ });
export const Hash = createToken({ name: "Hash", pattern: /sha256:[0-9A-Za-z]*/ });
export const Version = createToken({ name: "Version", pattern: /\d+\.\d+\.\d+[0-9A-Za-z.+-]*/ });
export const NumberLit = createToken({ name: "NumberLit", pattern: /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/ });
export const DotDot = createToken({ name: "DotDot", pattern: /\.\./ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });

export const Name = createToken({ name: "Name", pattern: Lexer.NA });
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_.:-]*/, categories: [Name] });

const keywordTokens: TokenType[] = [];
function kw(word: string): TokenType {
  const t = createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name],
    label: `\`${word}\``,
  });
  keywordTokens.push(t);
  return t;
}

export const K = {
  rubric: kw("rubric"),
  part: kw("part"),
  version: kw("version"),
  title: kw("title"),
  description: kw("description"),
  tags: kw("tags"),
  mode: kw("mode"),
  pointwise: kw("pointwise"),
  pairwise: kw("pairwise"),
  compare: kw("compare"),
  and: kw("and"),
  or: kw("or"),
  swap: kw("swap"),
  order: kw("order"),
  ties: kw("ties"),
  allowed: kw("allowed"),
  no: kw("no"),
  disagrees: kw("disagrees"),
  tie: kw("tie"),
  flag: kw("flag"),
  input: kw("input"),
  quotable: kw("quotable"),
  scale: kw("scale"),
  to: kw("to"),
  step: kw("step"),
  pass: kw("pass"),
  fail: kw("fail"),
  instructions: kw("instructions"),
  judge: kw("judge"),
  temperature: kw("temperature"),
  samples: kw("samples"),
  seed: kw("seed"),
  max: kw("max"),
  tokens: kw("tokens"),
  reasoning: kw("reasoning"),
  effort: kw("effort"),
  budget: kw("budget"),
  each: kw("each"),
  separately: kw("separately"),
  evidence: kw("evidence"),
  before: kw("before"),
  verdict: kw("verdict"),
  quote: kw("quote"),
  quotes: kw("quotes"),
  match: kw("match"),
  if: kw("if"),
  then: kw("then"),
  fails: kw("fails"),
  passes: kw("passes"),
  unmet: kw("unmet"),
  met: kw("met"),
  retry: kw("retry"),
  cap: kw("cap"),
  set: kw("set"),
  score: kw("score"),
  at: kw("at"),
  least: kw("least"),
  most: kw("most"),
  from: kw("from"),
  words: kw("words"),
  word: kw("word"),
  characters: kw("characters"),
  section: kw("section"),
  criterion: kw("criterion"),
  binary: kw("binary"),
  checklist: kw("checklist"),
  levels: kw("levels"),
  level: kw("level"),
  end: kw("end"),
  weight: kw("weight"),
  points: kw("points"),
  gate: kw("gate"),
  when: kw("when"),
  is: kw("is"),
  not: kw("not"),
  below: kw("below"),
  above: kw("above"),
  check: kw("check"),
  of: kw("of"),
  between: kw("between"),
  contains: kw("contains"),
  does: kw("does"),
  contain: kw("contain"),
  ignoring: kw("ignoring"),
  case: kw("case"),
  whitespace: kw("whitespace"),
  matches: kw("matches"),
  matching: kw("matching"),
  valid: kw("valid"),
  json: kw("json"),
  equals: kw("equals"),
  as: kw("as"),
  number: kw("number"),
  within: kw("within"),
  aggregate: kw("aggregate"),
  rounding: kw("rounding"),
  per: kw("per"),
  item: kw("item"),
  criteria: kw("criteria"),
  import: kw("import"),
  // Input kinds and rules over conversations (issue 20).
  text: kw("text"),
  conversation: kw("conversation"),
  reference: kw("reference"),
  image: kw("image"),
  in: kw("in"),
  turns: kw("turns"),
  calls: kw("calls"),
  call: kw("call"),
  tool: kw("tool"),
  last: kw("last"),
  message: kw("message"),
  with: kw("with"),
  arguments: kw("arguments"),
};

/** Every keyword, as written; completion, hovers and the editor grammar derive from this. */
export const KEYWORDS: readonly string[] = keywordTokens.map((t) => t.name.slice("Kw_".length));

/** The word a keyword token stands for, or undefined for any other token type. */
export function keywordOf(t: TokenType): string | undefined {
  return t.name.startsWith("Kw_") ? t.name.slice("Kw_".length) : undefined;
}

// The lexer takes the first pattern that matches, so longer keywords must come before their
// prefixes (`order` before `or`); `longer_alt` then turns `orders` into an Identifier.
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  TextBlock,
  UnterminatedTextBlock,
  StringLit,
  UnterminatedString,
  RegexLit,
  Hash,
  Version,
  NumberLit,
  DotDot,
  Comma,
  Colon,
  Name,
  ...[...keywordTokens].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length),
  Identifier,
];

export const rubricLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });
