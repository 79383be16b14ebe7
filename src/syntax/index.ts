export { type LexedSource, lexRubric, type NextToken, nextTokens } from "./assist.js";
export type * from "./ast.js";
export { MAX_SOURCE_CHARS, type ParseResult, parseRubric } from "./parse.js";
export { printRubric, printText } from "./printer.js";
export { decodeString, decodeTextBlock, encodeString } from "./text.js";
export { KEYWORDS, type Keyword, keywordOf } from "./tokens.js";
