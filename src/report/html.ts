/**
 * One self-contained HTML file: styles, scripts, libraries and data inline, no network. Charts
 * are Observable Plot specs (charts.ts) drawn in the page by the inlined Plot; the script also
 * drives the item table and the item view, where verified quotes are highlighted at their
 * recorded offsets. Every value from the run goes in escaped (escape.ts).
 */
import { type AgreementReport, metricFigures, metricLabel } from "../calibrate/index.js";
import { zlibModule } from "../util/packages.js";
import { type ChartSpec, chartSpecs } from "./charts.js";
import type { ReportData } from "./data.js";
import { chartLibraries, DRAW_SOURCE, drawSvgFiles } from "./draw.js";
import { escapeHtml as esc, jsonForScript, scriptSafeJson } from "./escape.js";
import { PAGE_SCRIPT } from "./page-script.js";

const pct = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "–");
const num = (x: unknown, d = 3) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(d) : "–");
const int = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? String(Math.round(x)) : "–");
const seconds = (ms: number) => (ms >= 100_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);

/** The charts as standalone SVG files, drawn from the same specs as the page's (for `--figures`). */
export function figures(d: ReportData): Promise<Record<string, string>> {
  return drawSvgFiles(chartSpecs(d));
}

function figure(spec: ChartSpec | undefined): string {
  return spec ? `<figure class="chart" id="${esc(spec.id)}"><figcaption>${esc(spec.title)}</figcaption></figure>` : "";
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
figure.chart { margin: 0; max-width: 100%; } figure.chart figcaption { font-weight: 600; margin-bottom: 4px; } figure.chart svg { max-width: 100%; height: auto; }
dl.settings { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 0; } dl.settings dt { color: var(--muted); } dl.settings dd { margin: 0; }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; background: var(--mark); font-size: 12px; }
mark { background: var(--mark); color: inherit; } .text { white-space: pre-wrap; background: var(--card); padding: 10px; border-radius: 6px; max-height: 420px; overflow: auto; }
input[type=search] { width: 320px; padding: 6px 8px; font: inherit; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; }
button { font: inherit; padding: 4px 10px; background: var(--card); color: var(--fg); border: 1px solid var(--line); border-radius: 6px; cursor: pointer; }
@media print { #items-controls, button { display: none; } .text { max-height: none; } body { max-width: none; } }
`;

function metricCell(a: AgreementReport | null, name: string): string {
  const m = a?.metrics[name as keyof AgreementReport["metrics"]];
  if (!m) return "<td>–</td><td>–</td>";
  const f = metricFigures(m);
  const value = f.value ?? `<span class="muted">undefined: ${esc(f.reason ?? "")}</span>`;
  return `<td>${value}</td><td>${f.ci ?? "–"}</td>`;
}

/** Raw and calibrated agreement side by side, saying which one was fitted on these labels. */
function agreementSection(d: ReportData, specs: Map<string, ChartSpec>): string {
  const { raw, calibrated, calibrator } = d.agreements;
  if (!raw) return '<p class="muted">No human labels given (<code>--labels</code>), so no agreement metrics.</p>';
  const calHead = calibrated
    ? `calibrated${calibrator?.in_sample ? ' <span class="badge" title="the calibrator was fitted on these same labels: these figures are optimistic">in-sample</span>' : ""}`
    : "";
  const rows = Object.keys(raw.metrics).map(
    (name) =>
      `<tr><td>${esc(metricLabel(name))}</td>${metricCell(raw, name)}${calibrated ? metricCell(calibrated, name) : ""}</tr>`,
  );
  const note = calibrator
    ? calibrator.in_sample
      ? `The calibrator (${esc(calibrator.method)}, fitted on ${calibrator.fit_n} labels) was fitted on exactly these labels: its agreement is in-sample and optimistic. Use <code>rulers agree --folds K</code> for a cross-validated figure.`
      : `The calibrator (${esc(calibrator.method)}) was fitted on ${calibrator.fit_n} labels that are not exactly these.`
    : calibrated
      ? "Calibrated scores come from the run records."
      : "No calibrator given (<code>--calibrator</code>): raw scores only.";
  return `<div class="grid"><div><table id="metrics"><thead><tr><th>metric</th><th>raw</th><th>95% interval</th>${calibrated ? `<th>${calHead}</th><th>95% interval</th>` : ""}</tr></thead><tbody>${rows.join("")}</tbody></table>
<p class="muted">${raw.n} labelled items; bootstrap intervals. ${note}</p></div>
${figure(specs.get("fig-confusion"))}</div>
${figure(specs.get("fig-agreement"))}`;
}

function criteriaSection(d: ReportData): string {
  if (!d.criteria.length) return "";
  const rows = d.criteria.map(
    (c) =>
      `<tr><td><code>${esc(c.id)}</code>${c.never_discriminative ? ' <span class="err">never discriminative</span>' : ""}</td><td>${Object.entries(
        c.counts,
      )
        .map(([k, v]) => `${esc(k)}: ${v} (${pct(v / c.judged)})`)
        .join(", ")}</td><td>${c.evidence_verified}</td><td>${c.evidence_rejected}</td></tr>`,
  );
  return `<h2>Criteria</h2>
<table id="criteria"><thead><tr><th>criterion</th><th>verdicts / levels</th><th>evidence verified</th><th>rejected</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function pairwiseSection(d: ReportData, specs: Map<string, ChartSpec>): string {
  const p = d.pairwise;
  if (!p) return "";
  const c = p.consistency;
  const pos = p.position;
  return `<h2>Pairwise</h2>
<div class="grid" id="pairwise">
<div class="card">preferred A <b>${p.preference.A}</b> · tie <b>${p.preference.tie}</b> · B <b>${p.preference.B}</b> of ${p.n}</div>
<div class="card">order consistency ${c ? `<b>${pct(c.rate)}</b> [${pct(c.lo)}, ${pct(c.hi)}]: ${c.consistent} consistent, ${c.inconsistent} inconsistent` : "– (each item judged in one order only)"}</div>
<div class="card">position bias: picks the response shown first ${pos ? `<b>${pct(pos.rate)}</b> [${pct(pos.lo)}, ${pct(pos.hi)}] of ${pos.decisive} decisive answers (50% = none)` : "– (no order-swapped answers)"}</div>
</div>
<div class="grid">${figure(specs.get("fig-preference"))}${figure(specs.get("fig-position"))}</div>`;
}

function driftSection(d: ReportData, specs: Map<string, ChartSpec>): string {
  if (!d.drift) return "";
  const o = (d.drift.overall ?? {}) as Record<string, unknown>;
  const features = Array.isArray(d.drift.features)
    ? (d.drift.features as { feature?: unknown; summary?: unknown; follows?: unknown }[])
    : [];
  const flipped = Array.isArray(d.drift.flipped)
    ? (d.drift.flipped as { item_id?: unknown; base?: unknown; candidate?: unknown }[])
    : [];
  const p = typeof o.p_value === "number" ? o.p_value.toPrecision(3) : "–";
  return `<h2>Drift</h2>
<div class="grid"><div class="card">flips <b>${int(o.flips)}</b> of ${int(o.n)} (${pct(o.flip_rate)})<br>toward base ${int(o.toward_base)}, toward candidate ${int(o.toward_candidate)}<br>mean shift ${num(o.mean_shift)}, p = ${p}</div>
<div class="card">${features.map((f) => (f.follows === true ? `<b>${esc(f.feature)}</b>: ${esc(f.summary)}` : `${esc(f.feature)}: ${esc(f.summary)}`)).join("<br>") || "no feature analysis"}</div></div>
${figure(specs.get("fig-drift"))}
<table id="flipped"><thead><tr><th>item</th><th>base</th><th>candidate</th></tr></thead><tbody>${flipped
    .slice(0, 1000)
    .map((f) => `<tr><td>${esc(f.item_id)}</td><td>${esc(f.base)}</td><td>${esc(f.candidate)}</td></tr>`)
    .join("")}</tbody></table>`;
}

/** Decoding settings as a readable list; only the ones the run recorded. */
function settingsList(settings: Record<string, unknown> | null): string {
  const names: Record<string, string> = {
    temperature: "temperature",
    seed: "seed",
    samples: "samples per item",
    format: "output format",
    base_url_host: "endpoint",
  };
  const rows = Object.entries(settings ?? {}).filter(([, v]) => v !== undefined && v !== null);
  if (!rows.length) return "";
  return `<dl class="settings card" id="settings">${rows
    .map(([k, v]) => `<dt>${esc(names[k] ?? k)}</dt><dd>${esc(typeof v === "object" ? JSON.stringify(v) : v)}</dd>`)
    .join("")}</dl>`;
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
  const cut = d.items.length > 5000 ? 24 : Infinity;
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
        // a length rather than an end: lengths repeat, so the packed data compresses better
        e.start === undefined || e.end === undefined ? -1 : e.end - e.start,
        e.match ?? "",
        // only rejected quotes carry a status: verified ones stay six fields long
        ...(e.status ? [e.status] : []),
      ]),
    ]),
  ]);
  return { critIds, inputs, items, texts: d.texts, pairwise: d.mode === "pairwise" };
}

export function renderHtml(d: ReportData): string {
  const specs = chartSpecs(d);
  const byId = new Map(specs.map((s) => [s.id, s]));
  const h = d.header;
  const title = h.bundle ? `${h.bundle.id}@${h.bundle.version}` : "rulers run";
  const packed = JSON.stringify(packItems(d));
  let json: string;
  let encoding = "json";
  if (packed.length > 4_000_000) {
    // Big runs: gzip + base64, unpacked by the browser's DecompressionStream; ~10× smaller.
    // Base64 holds no `<`, `>` or `&`, so the packed JSON needs no script escaping first.
    json = JSON.stringify(zlibModule().gzipSync(packed, { level: 6 }).toString("base64"));
    encoding = "gzip-base64";
  } else json = scriptSafeJson(packed);
  const time = `${h.wall_ms === null ? "wall time not recorded" : `wall time <b>${seconds(h.wall_ms)}</b>`} · summed judge time <b>${seconds(h.judge_latency_ms)}</b> <span class="muted">(the sum of every call's latency; calls run concurrently, so it can exceed wall time)</span>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — rulers report</title><style>${STYLE}</style></head>
<body>
<h1>${esc(title)}</h1>
<p class="muted">bundle <code>${esc(h.bundle?.hash ?? "–")}</code> · ${d.mode} · judge ${esc(h.models.join(", ") || "–")} · run <code>${esc(h.run_file)}</code>${h.run_modified ? ` (${esc(h.run_modified)})` : ""}</p>
<div class="grid" id="summary">
<div class="card">items <b>${h.items}</b> · scored <b>${h.scored}</b> · failed <b class="${h.failed ? "err" : ""}">${h.failed}</b></div>
<div class="card">tokens ${h.tokens.prompt} prompt + ${h.tokens.completion} completion${h.cost_usd === undefined ? "" : ` · cost ${h.cost_usd === null ? "unknown (a model has no price)" : `$${h.cost_usd.toFixed(4)}`}`}</div>
<div class="card" id="timing">${time}</div>
${settingsList(h.settings)}
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
<div class="grid">${figure(byId.get("fig-distributions"))}${figure(byId.get("fig-calibration"))}</div>
${pairwiseSection(d, byId)}
<h2>Agreement with human labels</h2>
${agreementSection(d, byId)}
${criteriaSection(d)}
${driftSection(d, byId)}
<h2>Items</h2>
<div id="items-controls"><input type="search" id="items-search" placeholder="search ids, errors, flags, quotes"> <button id="items-prev">‹ prev</button> <button id="items-next">next ›</button> <span id="items-page" class="muted"></span></div>
<table id="items"><thead><tr><th data-key="id">item</th><th data-key="score">${d.mode === "pairwise" ? "preferred" : "score"}</th><th data-key="calibrated">calibrated</th><th data-key="human">human</th><th>quotes verified</th><th>error / flags</th></tr></thead><tbody id="items-body"></tbody></table>
<div id="item-view"></div>
<script type="application/json" id="report-charts">${jsonForScript(specs)}</script>
<script type="application/json" id="report-data" data-encoding="${encoding}">${json}</script>
<script>/* d3 7 (github.com/d3/d3) and Observable Plot 0.6 (github.com/observablehq/plot), both ISC licence */
${chartLibraries()}</script>
<script>${DRAW_SOURCE}
${PAGE_SCRIPT}</script>
</body></html>
`;
}
