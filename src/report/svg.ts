/**
 * Small SVG charts drawn by hand (smaller than any charting library, and the same markup goes
 * into the HTML report and into `--figures` files). Text uses `currentColor`, so the charts
 * read in light and dark mode and in print; series colours are mid-tone and print in grey.
 */
const W = 560;
const H = 260;
const M = { top: 28, right: 16, bottom: 44, left: 52 };
export const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#9c755f"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (x: number) =>
  Math.abs(x) >= 100 || Number.isInteger(x) ? String(Math.round(x * 100) / 100) : x.toFixed(2);

function frame(title: string, body: string, xLabel: string, yLabel: string, legend: string[] = [], id = ""): string {
  const items = legend
    .map(
      (l, i) =>
        `<g transform="translate(${M.left + i * 130},${12})"><rect width="10" height="10" fill="${PALETTE[i]}"/><text x="14" y="9" font-size="11">${esc(l)}</text></g>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart"${id ? ` id="${id}"` : ""} viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif" fill="currentColor"><title>${esc(title)}</title>${items}${body}<text x="${(W + M.left - M.right) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">${esc(xLabel)}</text><text transform="translate(14,${(H + M.top - M.bottom) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(yLabel)}</text></svg>`;
}

function yAxis(max: number, toY: (v: number) => number): string {
  const ticks = 4;
  let out = "";
  for (let i = 0; i <= ticks; i++) {
    const v = (max * i) / ticks;
    const y = toY(v);
    out += `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="currentColor" stroke-opacity="0.15"/><text x="${M.left - 6}" y="${y + 4}" font-size="10" text-anchor="end">${fmt(v)}</text>`;
  }
  return out;
}

/** Grouped bars: one group per category, one bar per series. */
export function histogram(
  title: string,
  categories: readonly number[],
  series: readonly { name: string; counts: readonly number[] }[],
  id = "",
): string {
  // Counts are whole numbers: round the top up so every gridline lands on one.
  const max = Math.ceil(Math.max(1, ...series.flatMap((s) => s.counts)) / 4) * 4;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const toY = (v: number) => M.top + plotH - (v / max) * plotH;
  const gw = plotW / Math.max(1, categories.length);
  const bw = (gw * 0.8) / Math.max(1, series.length);
  let body = yAxis(max, toY);
  categories.forEach((c, i) => {
    series.forEach((s, j) => {
      const v = s.counts[i] ?? 0;
      const x = M.left + i * gw + gw * 0.1 + j * bw;
      body += `<rect class="bar" x="${x.toFixed(1)}" y="${toY(v).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${(M.top + plotH - toY(v)).toFixed(1)}" fill="${PALETTE[j]}"><title>${esc(s.name)} ${fmt(c)}: ${v}</title></rect>`;
    });
    if (categories.length <= 25 || i % Math.ceil(categories.length / 25) === 0)
      body += `<text x="${(M.left + i * gw + gw / 2).toFixed(1)}" y="${H - M.bottom + 14}" font-size="10" text-anchor="middle">${fmt(c)}</text>`;
  });
  return frame(
    title,
    body,
    "score",
    "items",
    series.map((s) => s.name),
    id,
  );
}

/** A line through points (e.g. the calibration map), optional sized dots (e.g. reliability). */
export function lineChart(
  title: string,
  line: readonly [number, number][],
  dots: readonly { x: number; y: number; n: number }[],
  xLabel: string,
  yLabel: string,
  id = "",
): string {
  const xs = [...line.map((p) => p[0]), ...dots.map((d) => d.x)];
  const ys = [...line.map((p) => p[1]), ...dots.map((d) => d.y)];
  if (xs.length === 0)
    return frame(title, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`, xLabel, yLabel, [], id);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys)];
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const X = (v: number) => M.left + (x1 > x0 ? ((v - x0) / (x1 - x0)) * plotW : plotW / 2);
  const Y = (v: number) => M.top + plotH - (y1 > y0 ? ((v - y0) / (y1 - y0)) * plotH : plotH / 2);
  let body = "";
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    body += `<line x1="${M.left}" x2="${W - M.right}" y1="${Y(v)}" y2="${Y(v)}" stroke="currentColor" stroke-opacity="0.15"/><text x="${M.left - 6}" y="${Y(v) + 4}" font-size="10" text-anchor="end">${fmt(v)}</text>`;
    const xv = x0 + ((x1 - x0) * i) / 4;
    body += `<text x="${X(xv)}" y="${H - M.bottom + 14}" font-size="10" text-anchor="middle">${fmt(xv)}</text>`;
  }
  const thin =
    line.length > 400 ? line.filter((_, i) => i % Math.ceil(line.length / 400) === 0 || i === line.length - 1) : line;
  if (thin.length)
    body += `<polyline fill="none" stroke="${PALETTE[0]}" stroke-width="2" points="${thin.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(" ")}"/>`;
  const nmax = Math.max(1, ...dots.map((d) => d.n));
  for (const d of dots)
    body += `<circle class="dot" cx="${X(d.x).toFixed(1)}" cy="${Y(d.y).toFixed(1)}" r="${(3 + 7 * Math.sqrt(d.n / nmax)).toFixed(1)}" fill="${PALETTE[1]}" fill-opacity="0.7"><title>${fmt(d.x)} → ${fmt(d.y)} (n = ${d.n})</title></circle>`;
  return frame(title, body, xLabel, yLabel, [], id);
}

/** Confusion matrix as a heatmap: rows human, columns judge. */
export function heatmap(
  title: string,
  cats: readonly string[],
  cell: (h: string, p: string) => number,
  id = "",
): string {
  const n = Math.max(1, cats.length);
  const size = Math.min(36, (H - M.top - M.bottom) / n);
  const max = Math.max(1, ...cats.flatMap((h) => cats.map((p) => cell(h, p))));
  let body = "";
  cats.forEach((h, i) => {
    body += `<text x="${M.left - 6}" y="${M.top + i * size + size / 2 + 4}" font-size="10" text-anchor="end">${esc(h)}</text>`;
    cats.forEach((p, j) => {
      const v = cell(h, p);
      body += `<rect class="cell" x="${M.left + j * size}" y="${M.top + i * size}" width="${size - 1}" height="${size - 1}" fill="${PALETTE[0]}" fill-opacity="${v ? (0.12 + 0.88 * (v / max)).toFixed(2) : 0.04}"><title>human ${esc(h)}, judge ${esc(p)}: ${v}</title></rect>`;
      if (size >= 18 && v)
        body += `<text x="${M.left + j * size + size / 2}" y="${M.top + i * size + size / 2 + 4}" font-size="9" text-anchor="middle">${v}</text>`;
    });
  });
  for (const [j, p] of cats.entries())
    body += `<text x="${M.left + j * size + size / 2}" y="${M.top + n * size + 12}" font-size="10" text-anchor="middle">${esc(p)}</text>`;
  return frame(title, body, "judge", "human", [], id);
}

/** Horizontal bars with intervals (e.g. flip rate per slice). */
export function intervalBars(
  title: string,
  rows: readonly { label: string; value: number; lo: number; hi: number }[],
  xLabel: string,
  id = "",
): string {
  const plotW = W - M.left - M.right - 60;
  const rowH = Math.min(24, (H - M.top - M.bottom) / Math.max(1, rows.length));
  const max = Math.max(0.05, ...rows.map((r) => r.hi));
  const X = (v: number) => M.left + 60 + (v / max) * plotW;
  let body = "";
  rows.forEach((r, i) => {
    const y = M.top + i * rowH;
    body += `<text x="${M.left + 56}" y="${y + rowH / 2 + 4}" font-size="10" text-anchor="end">${esc(r.label)}</text><rect class="bar" x="${X(0)}" y="${y + 3}" width="${Math.max(1, X(r.value) - X(0)).toFixed(1)}" height="${rowH - 6}" fill="${PALETTE[3]}"><title>${esc(r.label)}: ${(r.value * 100).toFixed(1)}% [${(r.lo * 100).toFixed(1)}, ${(r.hi * 100).toFixed(1)}]</title></rect><line x1="${X(r.lo)}" x2="${X(r.hi)}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="currentColor" stroke-width="1.5"/>`;
  });
  return frame(title, body, xLabel, "", [], id);
}
