/**
 * The report page's script. It draws the charts (Plot, inlined) and drives the item table and
 * item view. Item data is untrusted, so the DOM is built with elements and text nodes only:
 * no value from the data is ever parsed as HTML.
 */
import { PAGE_DOM_SCRIPT } from "../util/page-dom.js";

export const PAGE_SCRIPT = `
${PAGE_DOM_SCRIPT}function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }
async function load() {
  var node = document.getElementById("report-data");
  if (node.dataset.encoding !== "gzip-base64") return JSON.parse(node.textContent);
  var bytes = Uint8Array.from(atob(JSON.parse(node.textContent)), function (c) { return c.charCodeAt(0); });
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}
function drawCharts() {
  var specs = readJson("report-charts");
  specs.forEach(function (spec) {
    var fig = document.getElementById(spec.id);
    if (!fig) return;
    try { fig.append(drawChart(Plot, spec)); }
    catch (err) { fig.append(el("p", { class: "err" }, "could not draw this chart: " + err.message)); }
  });
}
drawCharts();
(async function () {
var data = await load();
var num = function (v) { return typeof v === "number" && isFinite(v) ? v : null; };
var items = data.items.map(function (a) { return { id: String(a[0]), raw: num(a[1]), calibrated: num(a[2]), human: num(a[3]), preferred: a[4], error: a[5], flags: a[6] || [],
  criteria: a[7].map(function (c) { return { id: data.critIds[c[0]], verdict: c[1], evidence: c[2].map(function (e) { return { quote: String(e[0]), verified: e[1] === 1, input: e[2] < 0 ? null : data.inputs[e[2]], start: num(e[3]) !== null && e[3] >= 0 ? e[3] : undefined, end: num(e[3]) !== null && e[3] >= 0 && num(e[4]) !== null && e[4] >= 0 ? e[3] + e[4] : undefined, match: String(e[5] || ""), status: e[6] ? String(e[6]) : "" }; }) }; }) }; });
var texts = data.texts || {};
var pairwise = data.pairwise;
var view = items.slice(), page = 0, sortKey = null, sortDir = 1, PAGE = 100;
var PREF = { "0": "B", "0.5": "tie", "1": "A" };
function fmt(x) {
  if (x === null || x === undefined) return "–";
  if (typeof x !== "number") return String(x);
  if (pairwise && PREF[String(x)] !== undefined) return PREF[String(x)];
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
function render() {
  var body = document.getElementById("items-body");
  var rows = view.slice(page * PAGE, page * PAGE + PAGE);
  body.replaceChildren.apply(body, rows.map(function (it) {
    var ok = 0, all = 0;
    it.criteria.forEach(function (c) { all += c.evidence.length; ok += c.evidence.filter(function (e) { return e.verified; }).length; });
    var tr = el("tr", { class: "item" }, el("td", null, it.id), el("td", null, it.preferred !== null && it.preferred !== undefined ? String(it.preferred) : fmt(it.raw)), el("td", null, fmt(it.calibrated)), el("td", null, fmt(it.human)), el("td", null, ok + "/" + all), el("td", { class: "err" }, it.error ? String(it.error) : it.flags.join(", ")));
    tr.addEventListener("click", function () { show(it); });
    return tr;
  }));
  document.getElementById("items-page").textContent = view.length ? "items " + (page * PAGE + 1) + "–" + Math.min(view.length, (page + 1) * PAGE) + " of " + view.length : "no items match";
}
function filter() {
  var q = document.getElementById("items-search").value.trim().toLowerCase();
  view = !q ? items.slice() : items.filter(function (it) { return it.id.toLowerCase().includes(q) || String(it.error || "").toLowerCase().includes(q) || it.flags.join(" ").toLowerCase().includes(q) || it.criteria.some(function (c) { return c.evidence.some(function (e) { return e.quote.toLowerCase().includes(q); }); }); });
  if (sortKey) sort(sortKey, true);
  page = 0; render();
}
function sort(key, keep) {
  if (!keep) { sortDir = sortKey === key ? -sortDir : 1; sortKey = key; }
  var val = function (it) { return key === "score" ? it.raw : it[key]; };
  view.sort(function (a, b) { var x = val(a), y = val(b); if (x === y) return 0; if (x === null || x === undefined) return 1; if (y === null || y === undefined) return -1; return (x < y ? -1 : 1) * sortDir; });
  if (!keep) { page = 0; render(); }
}
function highlight(text, spans) {
  var s = spans.filter(function (e) { return e.start !== undefined && e.end <= text.length; }).sort(function (a, b) { return a.start - b.start; });
  var out = [], at = 0;
  s.forEach(function (e) {
    if (e.start < at) return;
    out.push(text.slice(at, e.start), el("mark", { title: e.crit }, text.slice(e.start, e.end)));
    at = e.end;
  });
  out.push(text.slice(at));
  return el("div", { class: "text" }, out);
}
function show(it) {
  var ev = [];
  it.criteria.forEach(function (c) { c.evidence.forEach(function (e) { ev.push(Object.assign({ crit: c.id }, e)); }); });
  var byInput = {};
  ev.forEach(function (e) { if (e.verified && e.input) (byInput[e.input] = byInput[e.input] || []).push(e); });
  var t = texts[it.id] || {};
  var parts = [el("h3", null, it.id), el("p", null, it.criteria.map(function (c, i) { return [i ? " · " : "", el("code", null, c.id), " " + fmt(c.verdict)]; }))];
  var names = Object.keys(byInput).length ? Object.keys(byInput) : Object.keys(t);
  names.forEach(function (name) {
    parts.push(el("h4", null, name));
    if (typeof t[name] === "string") parts.push(highlight(t[name], byInput[name] || []));
    else parts.push(el("p", { class: "muted" }, "(text not included: pass --input to the report to show it)"), el("ul", null, (byInput[name] || []).map(function (e) { return el("li", null, el("mark", null, e.quote), " ", el("span", { class: "muted" }, "[" + (e.start === undefined ? "?" : e.start) + "–" + (e.end === undefined ? "?" : e.end) + ", " + e.match + ", " + e.crit + "]")); })));
  });
  var rejected = ev.filter(function (e) { return !e.verified; });
  parts.push(el("h4", null, "Rejected quotes (" + rejected.length + ")"), el("ul", { class: "rejected" }, rejected.map(function (e) { return el("li", null, el("s", null, e.quote), " ", el("span", { class: "muted" }, (e.status ? e.status + ", " : "") + e.crit)); })));
  var box = document.getElementById("item-view");
  box.replaceChildren.apply(box, parts);
  box.scrollIntoView({ block: "nearest" });
}
document.getElementById("items-search").addEventListener("input", filter);
document.querySelectorAll("th[data-key]").forEach(function (th) { th.addEventListener("click", function () { sort(th.dataset.key); }); });
document.getElementById("items-prev").addEventListener("click", function () { if (page > 0) { page--; render(); } });
document.getElementById("items-next").addEventListener("click", function () { if ((page + 1) * PAGE < view.length) { page++; render(); } });
render();
})();
`;
