/**
 * Text from rubrics, rows and judges reaches terminals and reviewers. Raw control characters
 * there act instead of showing: `ESC[2J` clears the screen, `\r` overwrites a line, and bidi
 * overrides reorder what is read (so a rubric could hide lines from whoever reviews its diff).
 * Everything shown to a person goes through `escapeControls`, which writes each such character
 * as a visible `\u{…}` escape and keeps line breaks (and tabs) as they are.
 */

// C0 except \t and \n, DEL, C1, the Unicode line/paragraph separators and the bidi controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** The same, for a single line: line breaks become visible too. */
export function escapeLine(text: string): string {
  return escapeControls(text).replace(/\n/g, "\\n");
}
