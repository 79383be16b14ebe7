/**
 * The first number written in a text, as people write them: `1,234.5`, `42%`, `$3`, `−2`, `1e-3`.
 * Commas count as thousands separators only in groups of three (`1,234`), so `3,5` reads as 3:
 * a numeric check should rather fail than read a list or a decimal comma as one large number.
 * A percent sign is not applied (`42%` is 42), so a reference must be written in the same unit.
 */
const NUMBER = /([-+\u2212]?)\s*[$€£¥]?\s*([-+\u2212]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE]([-+]?\d+))?/;

export function parseNumber(text: string): number | null {
  const m = NUMBER.exec(text);
  if (!m) return null;
  const negative = [m[1], m[2]].filter((s) => s === "-" || s === "\u2212").length % 2 === 1;
  const n = Number(`${m[3]!.replace(/,/g, "")}${m[4] === undefined ? "" : `e${m[4]}`}`);
  if (!Number.isFinite(n)) return null;
  return negative ? -n : n;
}
