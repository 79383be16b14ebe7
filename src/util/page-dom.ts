/**
 * The DOM builder the report's and the review app's pages share, as page-script source. Every
 * judged text reaches those pages through it, so it is the one place that decides text never
 * becomes markup.
 */
export const PAGE_DOM_SCRIPT = `
function el(tag, attrs) {
  var e = document.createElement(tag);
  if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) e.setAttribute(k, String(attrs[k]));
  // Children nest in arrays to any depth; strings become text nodes, never markup.
  var add = function (c) { if (c === null || c === undefined || c === false) return; if (Array.isArray(c)) c.forEach(add); else e.append(c); };
  for (var i = 2; i < arguments.length; i++) add(arguments[i]);
  return e;
}
`;
