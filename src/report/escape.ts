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

/**
 * JSON that is safe as the text of a <script> element: with `<` escaped no `</script` can end
 * it and no `<!--` can put the parser into the escaped states that swallow the page's own
 * scripts; U+2028/2029 are escaped for older JavaScript parsers. JSON.parse reads it unchanged.
 */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
