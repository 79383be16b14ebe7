export type * from "./ast.js";
export { parseRubric, MAX_SOURCE_CHARS, type ParseResult } from "./parse.js";
export { printRubric, printText } from "./printer.js";
export { decodeString, decodeTextBlock, encodeString } from "./text.js";
