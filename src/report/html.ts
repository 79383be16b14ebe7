/**
 * One self-contained HTML file: styles, script and data inline, no network. Charts are SVG
 * drawn at build time (svg.ts); the script only drives the item table (search, sort, pages)
 * and the item view, where verified quotes are highlighted at their recorded offsets.
 */
import { gzipSync } from "node:zlib";
import type { ReportData } from "./data.js";
import { heatmap, histogram, intervalBars, lineChart } from "./svg.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? "–" : x.toFixed(d));

export function figures(d: ReportData): Record<string, string> {
  const out: Record<string, string> = {};
  const series = [{ name: "raw", counts: d.distributions.raw }];
  if (d.distributions.calibrated) series.push({ name: "calibrated", counts: d.distributions.calibrated });
  if (d.distributions.human) series.push({ name: "human", counts: d.distributions.human });
  out["distributions.svg"] = histogram("Score distributions", d.categories, series, "fig-distributions");
  if (d.calibration) {
    out["calibration.svg"] = lineChart(
      "Calibration map (line) and mean human score per raw score (dots)",
      d.calibration.map,
      d.calibration.reliability,
      "raw score",
      "human / calibrated score",
      "fig-calibration",
    );
  }
  if (d.agreement) {
    const conf = d.agreement.confusion;
    // Fine scales (0..1 in 0.01 steps) have too many categories to read: show those in use.
    const used = new Set([...Object.keys(conf), ...Object.values(conf).flatMap((r) => Object.keys(r))]);
    const cats = d.categories.map(String).filter((c) => d.categories.length <= 12 || used.has(c));
    out["confusion.svg"] = heatmap(
      "Confusion matrix (rows: human, columns: judge)",
      cats,
      (h, p) => conf[h]?.[p] ?? 0,
      "fig-confusion",
    );
  }
  if (d.drift)
    out["drift.svg"] = intervalBars(
      "Flip rate per slice (95% Wilson interval)",
      d.drift.slices_rate,
      "flip rate",
      "fig-drift",
    );
  return out;
}

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1d1d1f; --muted: #6b6b70; --line: #d9d9de; --mark: #ffe58a; --bad: #c0392b; --card: #f6f6f8; }
@media (prefers-color-scheme: dark) { :root { --bg: #15161a; --fg: #e8e8ea; --muted: #a0a0a8; --line: #33343a; --mark: #7a6400; --bad: #ff7b6b; --card: #1e1f24; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px; font: 14px/1.45 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); } .grid { display: flex; flex-wrap: wrap; gap: 16px; } .card { background: var(--card); border-radius: 8px; padding: 10px 14px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th[data-key] { cursor: pointer; user-select: none; } th[data-key]:after { content: " ↕"; color: var(--muted); }
tr.item { cursor: pointer; } tr.item:hover { background: var(--card); } .err { color: var(--bad); }
svg.chart { max-width: 100%; height: auto; }
mark { background: var(--mark); color: inherit; } .text { white-space: pre-wrap; background: var(--card); padding: 10px; border-radius: 6px; max-height: 420px; overflow: auto; }
input[type=search] { width: 320px; padding: 6px 8px; font: inherit; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; }
button { font: inherit; padding: 4px 10px; background: var(--card); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; cursor: pointer; }
@media print { #items-controls, button { display: none; } .text { max-height: none; } body { max-width: none; } }
`;

// The table shows one page at a time: a 50,000-item run stays responsive.
const SCRIPT = `
async function load() {
  const el = document.getElementById("report-data");
  if (el.dataset.encoding !== "gzip-base64") return JSON.parse(el.textContent);
  const bytes = Uint8Array.from(atob(JSON.parse(el.textContent)), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}
(async () => {
const data = await load();
const items = data.items.map((a) => ({ id: a[0], raw: a[1], calibrated: a[2], human: a[3], preferred: a[4], error: a[5], flags: a[6] || [],
  criteria: a[7].map((c) => ({ id: data.critIds[c[0]], verdict: c[1], evidence: c[2].map((e) => ({ quote: e[0], verified: e[1] === 1, input: e[2] < 0 ? null : data.inputs[e[2]], start: e[3] < 0 ? undefined : e[3], end: e[4] < 0 ? undefined : e[4], match: e[5] })) })) }));
const texts = data.texts || {};
let view = items.slice(), page = 0, sortKey = null, sortDir = 1; const PAGE = 100;
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;","\\"":"&quot;"}[c]));
const fmt = (x) => x === null || x === undefined ? "–" : (typeof x === "number" ? (Number.isInteger(x) ? String(x) : x.toFixed(2)) : esc(x));
function render() {
  const body = document.getElementById("items-body");
  const rows = view.slice(page * PAGE, page * PAGE + PAGE);
  body.innerHTML = rows.map((it) => '<tr class="item" data-id="' + esc(it.id) + '"><td>' + esc(it.id) + '</td><td>' + fmt(it.preferred ?? it.raw) + '</td><td>' + fmt(it.calibrated) + '</td><td>' + fmt(it.human) + '</td><td>' + it.criteria.reduce((a, c) => a + c.evidence.filter((e) => e.verified).length, 0) + '/' + it.criteria.reduce((a, c) => a + c.evidence.length, 0) + '</td><td class="err">' + (it.error ? esc(it.error) : esc(it.flags.join(", "))) + '</td></tr>').join("");
  document.getElementById("items-page").textContent = view.length ? "items " + (page * PAGE + 1) + "–" + Math.min(view.length, (page + 1) * PAGE) + " of " + view.length : "no items match";
}
function filter() {
  const q = document.getElementById("items-search").value.trim().toLowerCase();
  view = !q ? items.slice() : items.filter((it) => it.id.toLowerCase().includes(q) || (it.error || "").toLowerCase().includes(q) || it.flags.join(" ").toLowerCase().includes(q) || it.criteria.some((c) => c.evidence.some((e) => e.quote.toLowerCase().includes(q))));
  if (sortKey) sort(sortKey, true); page = 0; render();
}
function sort(key, keep) {
  if (!keep) { sortDir = sortKey === key ? -sortDir : 1; sortKey = key; }
  const val = (it) => key === "score" ? (it.preferred ?? it.raw) : it[key];
  view.sort((a, b) => { const x = val(a), y = val(b); if (x === y) return 0; if (x === null || x === undefined) return 1; if (y === null || y === undefined) return -1; return (x < y ? -1 : 1) * sortDir; });
  if (!keep) { page = 0; render(); }
}
function highlight(text, spans) {
  const s = spans.filter((e) => e.start !== undefined).sort((a, b) => a.start - b.start);
  let out = "", at = 0;
  for (const e of s) { if (e.start < at) continue; out += esc(text.slice(at, e.start)) + '<mark title="' + esc(e.crit) + '">' + esc(text.slice(e.start, e.end)) + "</mark>"; at = e.end; }
  return out + esc(text.slice(at));
}
function show(id) {
  const it = items.find((x) => x.id === id); if (!it) return;
  const ev = it.criteria.flatMap((c) => c.evidence.map((e) => Object.assign({ crit: c.id }, e)));
  const byInput = {}; for (const e of ev) if (e.verified && e.input) (byInput[e.input] = byInput[e.input] || []).push(e);
  const t = texts[id] || {};
  let html = "<h3>" + esc(id) + "</h3><p>" + it.criteria.map((c) => "<code>" + esc(c.id) + "</code> " + fmt(c.verdict)).join(" · ") + "</p>";
  const names = Object.keys(byInput).length ? Object.keys(byInput) : Object.keys(t);
  for (const name of names) {
    html += "<h4>" + esc(name) + "</h4>";
    html += t[name] !== undefined ? '<div class="text">' + highlight(t[name], byInput[name] || []) + "</div>" : '<p class="muted">(text not included: pass --input to the report to show it)</p><ul>' + (byInput[name] || []).map((e) => "<li><mark>" + esc(e.quote) + "</mark> <span class=muted>[" + e.start + "–" + e.end + ", " + esc(e.match || "") + ", " + esc(e.crit) + "]</span></li>").join("") + "</ul>";
  }
  const rejected = ev.filter((e) => !e.verified);
  html += "<h4>Rejected quotes (" + rejected.length + ")</h4><ul class='rejected'>" + rejected.map((e) => "<li><s>" + esc(e.quote) + "</s> <span class=muted>" + esc(e.crit) + "</span></li>").join("") + "</ul>";
  const box = document.getElementById("item-view"); box.innerHTML = html; box.scrollIntoView({ block: "nearest" });
}
document.getElementById("items-search").addEventListener("input", filter);
document.querySelectorAll("th[data-key]").forEach((th) => th.addEventListener("click", () => sort(th.dataset.key)));
document.getElementById("items-prev").addEventListener("click", () => { if (page > 0) { page--; render(); } });
document.getElementById("items-next").addEventListener("click", () => { if ((page + 1) * PAGE < view.length) { page++; render(); } });
document.getElementById("items-body").addEventListener("click", (e) => { const tr = e.target.closest("tr.item"); if (tr) show(tr.dataset.id); });
render();
})();
`;

function metricsTable(d: ReportData): string {
  if (!d.agreement)
    return '<p class="muted">No human labels given (<code>--labels</code>), so no agreement metrics.</p>';
  const rows = Object.entries(d.agreement.metrics).map(
    ([name, m]) =>
      `<tr><td>${esc(name)}</td><td>${m.value === null ? `<span class="muted">undefined: ${esc(m.reason ?? "")}</span>` : num(m.value)}</td><td>${m.ci ? `[${num(m.ci[0])}, ${num(m.ci[1])}]` : "–"}</td></tr>`,
  );
  return `<table id="metrics"><thead><tr><th>metric</th><th>value</th><th>95% bootstrap interval</th></tr></thead><tbody>${rows.join("")}</tbody></table><p class="muted">${d.agreement.n} labelled items.</p>`;
}

function criteriaTable(d: ReportData): string {
  const rows = d.criteria.map(
    (c) =>
      `<tr><td><code>${esc(c.id)}</code>${c.never_discriminative ? ' <span class="err">never discriminative</span>' : ""}</td><td>${Object.entries(
        c.counts,
      )
        .map(([k, v]) => `${esc(k)}: ${v} (${pct(v / c.judged)})`)
        .join(", ")}</td><td>${c.evidence_verified}</td><td>${c.evidence_rejected}</td></tr>`,
  );
  return `<table id="criteria"><thead><tr><th>criterion</th><th>verdicts / levels</th><th>evidence verified</th><th>rejected</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function driftSection(d: ReportData, figs: Record<string, string>): string {
  if (!d.drift) return "";
  const o = d.drift.overall as Record<string, number | null> | undefined;
  const features = (d.drift.features as { feature: string; summary: string; follows: boolean }[] | undefined) ?? [];
  const flipped = (d.drift.flipped as { item_id: string; base: unknown; candidate: unknown }[] | undefined) ?? [];
  return `<h2>Drift</h2>
<div class="grid"><div class="card">flips <b>${o?.flips ?? "–"}</b> of ${o?.n ?? "–"} (${pct(o?.flip_rate)})<br>toward base ${o?.toward_base ?? "–"}, toward candidate ${o?.toward_candidate ?? "–"}<br>mean shift ${num(o?.mean_shift as number | null)}, p = ${o?.p_value === null || o?.p_value === undefined ? "–" : Number(o.p_value).toPrecision(3)}</div>
<div class="card">${features.map((f) => `${f.follows ? "<b>" : ""}${esc(f.feature)}${f.follows ? "</b>" : ""}: ${esc(f.summary)}`).join("<br>") || "no feature analysis"}</div></div>
${figs["drift.svg"] ?? ""}
<table id="flipped"><thead><tr><th>item</th><th>base</th><th>candidate</th></tr></thead><tbody>${flipped
    .slice(0, 1000)
    .map(
      (f) => `<tr><td>${esc(f.item_id)}</td><td>${esc(String(f.base))}</td><td>${esc(String(f.candidate))}</td></tr>`,
    )
    .join("")}</tbody></table>`;
}

/**
 * Items go into the page in a compact, columnar form (criterion ids and input names interned,
 * arrays instead of objects), and for big runs quotes are cut to 48 characters: a 50,000-item
 * run must stay a file a browser opens. Offsets are kept whole, so highlighting is exact
 * whenever the text is included.
 */
function packItems(d: ReportData): unknown {
  const critIds: string[] = [];
  const inputs: string[] = [];
  const intern = (list: string[], map: Map<string, number>, v: string) => {
    let i = map.get(v);
    if (i === undefined) {
      i = list.length;
      list.push(v);
      map.set(v, i);
    }
    return i;
  };
  const cm = new Map<string, number>();
  const im = new Map<string, number>();
  const cut = d.items.length > 5000 ? 48 : Infinity;
  const items = d.items.map((it) => [
    it.id,
    it.raw,
    it.calibrated,
    it.human,
    it.preferred,
    it.error,
    it.flags.length ? it.flags : 0,
    it.criteria.map((c) => [
      intern(critIds, cm, c.id),
      c.verdict,
      c.evidence.map((e) => [
        e.quote.length > cut ? `${e.quote.slice(0, cut)}…` : e.quote,
        e.verified ? 1 : 0,
        e.input === null ? -1 : intern(inputs, im, e.input),
        e.start ?? -1,
        e.end ?? -1,
        e.match ?? "",
      ]),
    ]),
  ]);
  return { critIds, inputs, items, texts: d.texts };
}

export function renderHtml(d: ReportData): string {
  const figs = figures(d);
  const h = d.header;
  const title = h.bundle ? `${h.bundle.id}@${h.bundle.version}` : "rulers run";
  // `</script` inside the data would end the script element; JSON allows escaping the slash.
  let json = JSON.stringify(packItems(d)).replace(/<\//g, "<\\/");
  let encoding = "json";
  if (json.length > 4_000_000) {
    // Big runs: gzip + base64, unpacked by the browser's DecompressionStream; ~10× smaller.
    json = gzipSync(json, { level: 6 }).toString("base64");
    encoding = "gzip-base64";
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — rulers report</title><style>${STYLE}</style></head>
<body>
<h1>${esc(title)}</h1>
<p class="muted">bundle <code>${esc(h.bundle?.hash ?? "–")}</code> · judge ${esc(h.models.join(", ") || "–")} · ${esc(JSON.stringify(h.settings ?? {}))} · run <code>${esc(h.run_file)}</code>${h.run_modified ? ` (${esc(h.run_modified)})` : ""}</p>
<div class="grid" id="summary">
<div class="card">items <b>${h.items}</b> · scored <b>${h.scored}</b> · failed <b class="${h.failed ? "err" : ""}">${h.failed}</b></div>
<div class="card">tokens ${h.tokens.prompt} prompt + ${h.tokens.completion} completion · judge time ${(h.judge_latency_ms / 1000).toFixed(1)} s</div>
</div>
${
  h.failures.length
    ? `<h2>Failures</h2><table id="failures"><tbody>${h.failures
        .slice(0, 50)
        .map((f) => `<tr><td>${f.count}</td><td class="err">${esc(f.reason)}</td></tr>`)
        .join("")}</tbody></table>`
    : ""
}
<h2>Scores</h2>
<div class="grid">${figs["distributions.svg"]}${figs["calibration.svg"] ?? ""}</div>
<h2>Agreement with human labels</h2>
<div class="grid">${figs["confusion.svg"] ?? ""}<div>${metricsTable(d)}</div></div>
<h2>Criteria</h2>
${criteriaTable(d)}
${driftSection(d, figs)}
<h2>Items</h2>
<div id="items-controls"><input type="search" id="items-search" placeholder="search ids, errors, flags, quotes"> <button id="items-prev">‹ prev</button> <button id="items-next">next ›</button> <span id="items-page" class="muted"></span></div>
<table id="items"><thead><tr><th data-key="id">item</th><th data-key="score">score</th><th data-key="calibrated">calibrated</th><th data-key="human">human</th><th>quotes verified</th><th>error / flags</th></tr></thead><tbody id="items-body"></tbody></table>
<div id="item-view"></div>
<script type="application/json" id="report-data" data-encoding="${encoding}">${encoding === "json" ? json : `"${json}"`}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
