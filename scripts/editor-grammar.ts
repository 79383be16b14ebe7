/** Writes the VS Code extension's TextMate grammar from the language's own definitions. */
import { writeFileSync } from "node:fs";
import { textMateGrammar } from "../src/lsp/textmate.js";

export const GRAMMAR_PATH = "editors/vscode/syntaxes/rubric.tmLanguage.json";
writeFileSync(GRAMMAR_PATH, `${JSON.stringify(textMateGrammar(), null, 2)}\n`);
console.log(`wrote ${GRAMMAR_PATH}`);
