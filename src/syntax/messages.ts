/**
 * Parse-error wording. Chevrotain's defaults print token type names (`Kw_end`); users should
 * read the words they type (`end`), what was found, and which statement it was in.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";

const RULE_WORDS: Record<string, string> = {
  rubricFile: "the rubric",
  header: "the header (`rubric <id> version <x.y.z>`)",
  declaration: "a declaration",
  titleDecl: "`title`",
  descriptionDecl: "`description`",
  tagsDecl: "`tags`",
  modeDecl: "`mode`",
  pairwiseSetting: "the pairwise settings",
  inputDecl: "`input`",
  scaleDecl: "`scale`",
  instructionsDecl: "`instructions`",
  judgeDecl: "the `judge` block",
  judgeSetting: "a judge setting",
  evidencePolicy: "`if evidence fails then …`",
  aggregateDecl: "`aggregate`",
  roundingDecl: "`rounding`",
  sectionDecl: "the `section`",
  criterionDecl: "the `criterion`",
  criterionSetting: "a criterion setting",
  levelsBlock: "the `levels` block",
  levelAnchor: 'a level (`<number> "anchor"`)',
  evidenceRule: "`evidence …`",
  evidencePart: "`evidence …`",
  checkDecl: "the `check`",
  checkTest: "the check's test",
  countRange: "the count range",
  checkPredicate: "the check's test",
  gateDecl: "the `gate`",
  condition: "the gate condition",
  conditionAtom: "the gate condition",
  gateAction: "the gate action (`cap score at N` or `set score to N`)",
  importDecl: "`import`",
  templateDecl: "`per item criteria from …`",
  text: "a text",
  value: "a value",
  nameList: "a list of names",
  ignoring: "`ignoring …`",
};

export function tokenWord(t: TokenType): string {
  const names: Record<string, string> = {
    Name: "a name",
    Identifier: "a name",
    StringLit: "a quoted text",
    TextBlock: 'a `"""` text block',
    NumberLit: "a number",
    Version: "a version",
    Hash: "a `sha256:` hash",
    RegexLit: "a `/regex/`",
    DotDot: "`..`",
    Comma: "`,`",
    Colon: "`:`",
  };
  if (names[t.name]) return names[t.name]!;
  if (t.name.startsWith("Kw_")) return `\`${t.name.slice(3)}\``;
  return t.name;
}

export function foundWord(t: IToken): string {
  if (t.tokenType.name === "EOF") return "end of file";
  const image = t.image.length > 30 ? `${t.image.slice(0, 27)}...` : t.image;
  return `\`${image.replace(/\n/g, " ")}\``;
}

function where(ruleName: string): string {
  return RULE_WORDS[ruleName] ?? ruleName;
}

function firstTokens(paths: TokenType[][][]): string {
  const words = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) words.add(tokenWord(path[0]));
  const list = [...words];
  if (list.length > 8) return `${list.slice(0, 8).join(", ")}, …`;
  return list.join(", ");
}

export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    return `expected ${tokenWord(expected)} in ${where(ruleName)} but found ${foundWord(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${foundWord(firstRedundant)}: each statement starts with a keyword such as \`criterion\`, \`section\` or \`scale\``;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const first = actual[0];
    const found = first ? foundWord(first) : "end of file";
    // A missing value or text is the commonest slip; say so plainly rather than list tokens.
    if (ruleName === "value") return `expected a value (a number, version, name or quoted text) but found ${found}`;
    if (ruleName === "text") return `expected a quoted text ("…" or """…""") but found ${found}`;
    return `unexpected ${first ? foundWord(first) : "input"} in ${where(ruleName)}; expected ${firstTokens(expectedPathsPerAlt)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const first = actual[0];
    return `unexpected ${first ? foundWord(first) : "input"} in ${where(ruleName)}; expected ${firstTokens([expectedIterationPaths])}`;
  },
};
