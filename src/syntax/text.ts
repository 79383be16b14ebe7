/** Decoding of the two text forms: `"quoted strings"` and `"""text blocks"""`. */

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", "/": "/" };

/** Decode a quoted string token (with its quotes). Unknown escapes (an error `unknown-escape`) keep the character. */
export function decodeString(image: string): string {
  const body = image.slice(1, image.endsWith('"') && image.length > 1 ? -1 : undefined);
  if (!body.includes("\\")) return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5 && e[0] === "u") return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? e;
  });
}

/**
 * Decode a text block: drop the line break after the opening quotes and the blank last line,
 * remove the indentation common to all non-blank lines (so blocks can be indented with the
 * code around them), and strip trailing spaces. Line endings become `\n`.
 */
export function decodeTextBlock(image: string): string {
  let body = image.slice(3, image.endsWith('"""') && image.length >= 6 ? -3 : undefined).replace(/\r\n?/g, "\n");
  const lines = body.split("\n").map((l) => l.replace(/[ \t]+$/, ""));
  if (lines.length > 1 && lines[0]!.trim() === "") lines.shift();
  if (lines.length > 1 && lines[lines.length - 1]!.trim() === "") lines.pop();
  let indent = Infinity;
  for (const l of lines) {
    if (l.trim() === "") continue;
    const m = /^[ \t]*/.exec(l)![0].length;
    if (m < indent) indent = m;
  }
  if (!Number.isFinite(indent)) indent = 0;
  body = lines.map((l) => l.slice(Math.min(indent, l.length))).join("\n");
  return body.trim() === "" ? "" : body.replace(/^\n+|\n+$/g, "");
}

/**
 * A quoted-string literal for `value`, escaping only what must be escaped: quotes, backslashes,
 * line breaks, other control characters (which a terminal would act on) and lone surrogates
 * (which UTF-8 cannot hold: written raw they would become U+FFFD and change the meaning).
 */
const ESCAPED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Whether `value` holds characters a raw `"""` block cannot carry faithfully (see encodeString). */
export function needsEscapes(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(
    value,
  );
}

export function encodeString(value: string): string {
  return (
    '"' +
    value
      .replace(/[\\"]/g, (c) => `\\${c}`)
      .replace(/\n/g, "\\n")
      .replace(/\t/g, "\\t")
      .replace(/\r/g, "\\r")
      .replace(ESCAPED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) +
    '"'
  );
}
