/**
 * The review app's single page. Keyboard first: j / → next, k / ← previous, number keys pick a
 * label (the n-th value of the scale; 0 is the tenth), a / t / b for pairwise A / tie / B,
 * c writes a comment, u clears the label. Items are built from text nodes only: the judged
 * text and the run are untrusted.
 */
import { PAGE_DOM_SCRIPT } from "../util/page-dom.js";

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1d1d1f; --muted: #6b6b70; --line: #d9d9de; --mark: #ffe58a; --bad: #c0392b; --ok: #2e7d32; --card: #f6f6f8; --sel: #4e79a7; }
@media (prefers-color-scheme: dark) { :root { --bg: #15161a; --fg: #e8e8ea; --muted: #a0a0a8; --line: #33343a; --mark: #7a6400; --bad: #ff7b6b; --ok: #7bd88f; --card: #1e1f24; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 16px 24px; font: 14px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; border-bottom: 1px solid var(--line); padding-bottom: 8px; }
.muted { color: var(--muted); } .err { color: var(--bad); } .ok { color: var(--ok); }
#banner:empty { display: none; } #banner { border: 1px solid var(--bad); color: var(--bad); border-radius: 6px; padding: 6px 10px; margin: 8px 0; white-space: pre-wrap; }
#indexing:empty, #warnings:empty { display: none; } #warnings { color: var(--muted); font-size: 12px; margin: 6px 0; white-space: pre-wrap; }
button { font: inherit; padding: 4px 10px; background: var(--card); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; cursor: pointer; }
button.current { background: var(--sel); color: #fff; border-color: var(--sel); }
.labels { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; } .labels kbd { font-size: 10px; color: inherit; opacity: 0.7; margin-left: 4px; }
.text { white-space: pre-wrap; background: var(--card); padding: 10px; border-radius: 6px; max-height: 360px; overflow: auto; }
mark { background: var(--mark); color: inherit; } mark.rejected { background: none; text-decoration: underline wavy var(--bad); }
.crit { border-top: 1px solid var(--line); padding: 6px 0; } .crit .rationale { color: var(--muted); }
textarea { width: 100%; min-height: 48px; font: inherit; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
select, input { font: inherit; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; padding: 2px 6px; }
.cols { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px; } @media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
`;

const SCRIPT = `
var token = new URLSearchParams(location.search).get("token") || "";
var meta = null, order = [], pos = 0, current = null, cache = new Map(), busy = false, wanted = null;
${PAGE_DOM_SCRIPT}async function api(path, body) {
  var res = await fetch(path, { method: body ? "POST" : "GET", headers: Object.assign({ "x-review-token": token }, body ? { "content-type": "application/json" } : {}), body: body ? JSON.stringify(body) : undefined });
  var data = await res.json().catch(function () { return { error: "the server answered " + res.status }; });
  if (!res.ok) throw new Error(data.error || ("the server answered " + res.status));
  return data;
}
function banner(msg) { document.getElementById("banner").textContent = msg || ""; }
function fmt(x) { if (x === null || x === undefined) return "–"; return typeof x === "number" ? (Number.isInteger(x) ? String(x) : x.toFixed(2)) : String(x); }
function judgeText(it) {
  if (it.preferred) return "judge prefers " + it.preferred;
  return "judge score " + fmt(it.score) + (it.calibrated !== null ? " (calibrated " + fmt(it.calibrated) + ")" : "");
}
function progress() {
  var ix = meta.indexing, more = ix.done ? "" : " so far";
  document.getElementById("progress").textContent = meta.labelled + " of " + meta.total + more + " labelled";
  document.getElementById("position").textContent = order.length ? "item " + (pos + 1) + " of " + order.length + more : "no items in this order";
  document.getElementById("indexing").textContent = ix.done ? "" : "indexing the run: " + Math.floor(100 * ix.bytes / Math.max(1, ix.of)) + "% — the other orders open when it finishes";
}
// While the run is indexed in the background only run order exists; it grows as items arrive.
var RUN_ONLY = ["random", "stratified", "disagreements", "unlabelled"];
function lockModes() {
  document.querySelectorAll("#mode option").forEach(function (o) { o.disabled = !meta.indexing.done && RUN_ONLY.indexOf(o.value) >= 0; });
}
async function watchIndex() {
  while (!meta.indexing.done && !meta.error) {
    await new Promise(function (r) { setTimeout(r, 400); });
    try { meta = await api("/api/meta"); } catch (err) { banner(err.message); continue; }
    if (document.getElementById("mode").value === "run") for (var i = order.length; i < meta.total; i++) order.push(i);
    progress();
  }
  if (meta.error) banner(meta.error + " (labels saved so far are kept)");
  lockModes();
  if (meta.indexing.done && wanted) { document.getElementById("mode").value = wanted; wanted = null; await reorder(); }
}
function highlight(text, spans) {
  var s = spans.filter(function (e) { return e.start !== null && e.end !== null && e.end <= text.length && e.start < e.end; }).sort(function (a, b) { return a.start - b.start; });
  var out = [], at = 0;
  s.forEach(function (e) { if (e.start < at) return; out.push(text.slice(at, e.start), el("mark", { title: e.crit, class: e.verified ? null : "rejected" }, text.slice(e.start, e.end))); at = e.end; });
  out.push(text.slice(at));
  return el("div", { class: "text" }, out);
}
function overrideControl(c, value) {
  var opts = c.levels && c.levels.length ? c.levels : (c.kind === "binary" || c.verdict === "met" || c.verdict === "unmet" ? ["met", "unmet"] : null);
  if (opts) {
    var sel = el("select", { "data-crit": c.id, "aria-label": "override " + c.id }, el("option", { value: "" }, "judge's"), opts.map(function (o) { return el("option", { value: o, selected: String(value) === String(o) ? "selected" : null }, o); }));
    return sel;
  }
  return el("input", { "data-crit": c.id, "aria-label": "override " + c.id, placeholder: "override", value: value === undefined ? "" : value, size: 8 });
}
function render(it) {
  current = it;
  var lab = it.label;
  var main = document.getElementById("item");
  var spans = {};
  it.criteria.forEach(function (c) { c.evidence.forEach(function (e) { if (e.input) (spans[e.input] = spans[e.input] || []).push(Object.assign({ crit: c.id }, e)); }); });
  var texts = Object.keys(it.texts).map(function (k) { return [el("h3", null, k), highlight(it.texts[k], spans[k] || [])]; });
  var labels = el("div", { class: "labels", id: "label-buttons" }, meta.values.map(function (v, i) {
    var key = meta.scale.kind === "pairwise" ? ({ A: "a", tie: "t", B: "b" })[v] : (i < 9 ? String(i + 1) : i === 9 ? "0" : null);
    var b = el("button", { "data-value": v, class: lab && String(lab.label) === String(v) ? "current" : null }, String(v), key ? el("kbd", null, key) : null);
    b.addEventListener("click", function () { save(v); });
    return b;
  }));
  var crit = it.criteria.map(function (c) {
    var over = lab && lab.criteria ? lab.criteria[c.id] : undefined;
    return el("div", { class: "crit" },
      el("div", null, el("code", null, c.id), c.title ? " " + c.title : "", " — ", el("b", null, fmt(c.verdict)), " ", overrideControl(c, over)),
      c.rationale ? el("div", { class: "rationale" }, c.rationale) : null,
      c.evidence.length ? el("ul", null, c.evidence.map(function (e) { return el("li", { class: e.verified ? null : "err" }, e.verified ? "" : "(rejected) ", el("q", null, e.quote)); })) : null);
  });
  main.replaceChildren(
    el("h2", null, it.id),
    el("p", null, judgeText(it), it.error ? el("span", { class: "err" }, " · " + it.error) : null, it.flags.length ? el("span", { class: "muted" }, " · " + it.flags.join(", ")) : null),
    el("div", { class: "cols" },
      el("div", null, texts),
      el("div", null,
        el("h3", null, "Your label ", el("span", { id: "saved", class: lab ? "ok" : "muted" }, lab ? "saved: " + fmt(lab.label) : "not labelled")),
        labels,
        meta.values.length > 12 ? el("div", null, el("input", { id: "label-input", placeholder: meta.scale.min + ".." + meta.scale.max, size: 8 }), " ", el("button", { id: "label-input-save" }, "save")) : null,
        el("textarea", { id: "comment", placeholder: "comment (c)" }, lab && lab.comment ? lab.comment : ""),
        el("h3", null, "Criteria"), crit.length ? crit : el("p", { class: "muted" }, "no criteria"))));
  var inp = document.getElementById("label-input-save");
  if (inp) inp.addEventListener("click", function () { save(document.getElementById("label-input").value); });
  progress();
}
async function fetchItem(i) {
  if (cache.has(i)) return cache.get(i);
  var p = api("/api/items/" + i);
  cache.set(i, p);
  p.catch(function () { cache.delete(i); });
  return p;
}
async function show(p) {
  if (!order.length) { document.getElementById("item").replaceChildren(el("p", { class: "muted" }, "nothing to show in this order")); progress(); return; }
  pos = Math.max(0, Math.min(order.length - 1, p));
  var t0 = performance.now();
  try { render(await fetchItem(order[pos])); banner(""); } catch (err) { banner(err.message); }
  // how long a move takes, fetch to DOM, for anyone profiling the app (bench/review.bench.ts reads it)
  performance.measure("review:show", { start: t0 });
  if (!performance.getEntriesByName("review:first-item").length) performance.mark("review:first-item");
  document.body.dataset.ready = String(pos);
  if (pos + 1 < order.length) fetchItem(order[pos + 1]).catch(function () {});
}
function overrides() {
  var out = {};
  document.querySelectorAll("[data-crit]").forEach(function (e) { if (e.value !== "") out[e.dataset.crit] = e.value; });
  return out;
}
async function save(value) {
  if (!current || busy) return;
  busy = true;
  var body = { item_id: current.id, label: value === null ? null : (meta.scale.kind === "pairwise" ? String(value) : Number(value)), criteria: overrides(), comment: document.getElementById("comment").value };
  try {
    var r = await api("/api/labels", body);
    meta.labelled = r.labelled;
    current.label = value === null ? null : r.entry;
    cache.set(order[pos], Promise.resolve(current));
    banner("");
    if (value !== null && pos + 1 < order.length) await show(pos + 1); else render(current);
  } catch (err) {
    banner("not saved: " + err.message);
  } finally { busy = false; }
}
async function reorder() {
  var mode = document.getElementById("mode").value, seed = document.getElementById("seed").value || "1";
  try {
    var r = await api("/api/order?mode=" + encodeURIComponent(mode) + "&seed=" + encodeURIComponent(seed));
    order = r.order; cache = new Map();
    var h = new URLSearchParams(location.hash.slice(1)); h.set("mode", wanted || mode); h.set("seed", seed); history.replaceState(null, "", "#" + h);
    await show(0);
  } catch (err) { banner(err.message); }
}
document.addEventListener("keydown", function (e) {
  var t = e.target;
  if (t && (t.tagName === "TEXTAREA" || t.tagName === "INPUT" || t.tagName === "SELECT")) { if (e.key === "Escape") t.blur(); if (e.key === "Enter" && t.id === "label-input") save(t.value); return; }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  var k = e.key;
  if (k === "j" || k === "ArrowRight") { show(pos + 1); e.preventDefault(); return; }
  if (k === "k" || k === "ArrowLeft") { show(pos - 1); e.preventDefault(); return; }
  if (k === "c") { document.getElementById("comment").focus(); e.preventDefault(); return; }
  if (k === "u") { save(null); return; }
  if (meta.scale.kind === "pairwise") { var m = { a: "A", t: "tie", b: "B" }[k.toLowerCase()]; if (m) save(m); return; }
  if (/^[0-9]$/.test(k)) { var i = k === "0" ? 9 : Number(k) - 1; if (i < meta.values.length) save(meta.values[i]); }
});
(async function () {
  try {
    meta = await api("/api/meta");
    document.getElementById("rater").textContent = "rater " + meta.rater;
    document.getElementById("warnings").textContent = meta.warnings.join("\\n");
    var h = new URLSearchParams(location.hash.slice(1));
    if (h.get("mode")) {
      if (!meta.indexing.done && RUN_ONLY.indexOf(h.get("mode")) >= 0) wanted = h.get("mode");
      else document.getElementById("mode").value = h.get("mode");
    }
    lockModes();
    if (h.get("seed")) document.getElementById("seed").value = h.get("seed");
    document.getElementById("mode").addEventListener("change", reorder);
    document.getElementById("seed").addEventListener("change", reorder);
    await reorder();
    if (meta.error) banner(meta.error);
    else watchIndex();
  } catch (err) { banner(err.message); }
})();
`;

export function reviewPage(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>rulers review</title><style>${STYLE}</style></head>
<body>
<header><b>rulers review</b> <span id="rater" class="muted"></span> <span id="progress"></span> <span id="position" class="muted"></span>
<label>order <select id="mode"><option value="run">run order</option><option value="random">random</option><option value="stratified">stratified by judge score</option><option value="disagreements">disagreements first</option><option value="unlabelled">unlabelled only</option></select></label>
<label>seed <input id="seed" value="1" size="4"></label>
<span class="muted">j/k next/prev · number keys label · u clear · c comment</span></header>
<div id="banner" role="alert"></div><div id="indexing" class="muted" role="status"></div><div id="warnings"></div>
<main id="item"></main>
<script nonce="${nonce}">${SCRIPT}</script>
</body></html>
`;
}
