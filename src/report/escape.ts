/**
 * Everything a report inserts into HTML goes through one of these two: text and attribute
 * values through `escapeHtml`, data through `jsonForScript`. A run file, rows and labels are
 * untrusted input; judged text can contain anything.
 */
export const escapeHtml = (v: unknown): string =>
  String(v ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const SCRIPT_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * JSON that is safe as the text of a <script> element: with `<` escaped no `</script` can end
 * it and no `<!--` can put the parser into the escaped states that swallow the page's own
 * scripts; U+2028/2029 are escaped for older JavaScript parsers. JSON.parse reads it unchanged.
 */
export const jsonForScript = (value: unknown): string => scriptSafeJson(JSON.stringify(value));

/** `jsonForScript` for JSON text already made; one pass (a big report's data is tens of MB). */
export const scriptSafeJson = (json: string): string => json.replace(/[<>&\u2028\u2029]/g, (c) => SCRIPT_ESCAPES[c]!);
