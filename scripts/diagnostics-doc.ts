/**
 * Writes grammar/diagnostics.md from the conformance failure cases, so that every documented
 * example is one the test suite compiles. Run: npx tsx scripts/diagnostics-doc.ts
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

const DIR = "tests/conformance/failure";
const EXTRA: [string, string, string][] = [
  [
    "source-too-large",
    "error",
    "a source over 20,000,000 characters is refused before it is read: `source is 25000000 characters, over the limit of 20000000; split it into parts and \\`import\\` them`",
  ],
  [
    "unreadable-file",
    "error",
    "`rulers compile missing.rubric` → `missing.rubric: error[unreadable-file]: cannot read \\`missing.rubric\\`: no such file`",
  ],
  [
    "invalid-item",
    "error",
    '`rulers compile t.rubric --items rows.jsonl` with a bad row → `rows.jsonl:2:1: error[invalid-item]: row 2: \\`rubrics[0]\\`.points must be a number, got "five"`',
  ],
  ["not-a-template", "error", "`--items` given for a rubric without `per item criteria from …`"],
  [
    "invalid-utf8",
    "error",
    "a source (or an imported part) that is not valid UTF-8, pointing at the first bad byte: `the file is not valid UTF-8 here; save it as UTF-8`",
  ],
];

const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".rubric"))
  .map((f) => f.slice(0, -7))
  .sort();
const out: string[] = [
  "# Diagnostics",
  "",
  "Every problem rulers reports has a stable code, a severity, a message that says what is wrong and",
  "how to fix it, and — for rubric sources — `file:line:col` with the source line and a caret. Errors",
  "stop compilation; warnings do not. `rulers compile --json` gives the same as data",
  "(`{code, severity, message, file, start: {offset, line, column}, end}`).",
  "",
  "This page is generated from the conformance cases in `tests/conformance/failure/` (each `<code>.rubric`",
  "must produce `<code>`; its full expected output is `<code>.diagnostics`) by",
  "`npx tsx scripts/diagnostics-doc.ts`.",
  "",
  "| code | severity | rule |",
  "|---|---|---|",
];
const sections: string[] = [];
for (const code of cases) {
  const source = readFileSync(`${DIR}/${code}.rubric`, "utf8");
  const expected = readFileSync(`${DIR}/${code}.diagnostics`, "utf8");
  const block = expected.split(/\n(?=\S+:\d+:\d+: )/).find((b) => b.includes(`[${code}]`)) ?? expected;
  const severity = block.includes(`warning[${code}]`) ? "warning" : "error";
  const rule = /\[[a-z-]+\]: (.*)/.exec(block)?.[1] ?? "";
  out.push(`| [\`${code}\`](#${code}) | ${severity} | ${rule.replace(/\|/g, "\\|")} |`);
  sections.push(`### ${code}`, "", "```", source.trimEnd(), "```", "", "```", block.trimEnd(), "```", "");
}
for (const [code, severity, text] of EXTRA) out.push(`| \`${code}\` | ${severity} | ${text.replace(/\|/g, "\\|")} |`);
out.push("", "## Examples", "", ...sections);
writeFileSync("grammar/diagnostics.md", out.join("\n"));
console.log(`wrote grammar/diagnostics.md (${cases.length + EXTRA.length} codes)`);
