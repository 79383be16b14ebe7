/**
 * The report's charts as data: one Observable Plot specification per figure, plain JSON (no
 * functions), so the same spec is drawn by Plot in the browser and by Plot under a DOM shim for
 * `--figures` (draw.ts). Axis ticks are chosen here, on the scale's own steps, so a 1..6 scale
 * never shows 1.25 and a count axis never shows 2.5.
 */
import type { HumanScale } from "../calibrate/index.js";
import type { ReportData } from "./data.js";

export interface MarkSpec {
  /** A Plot mark function: barX, barY, cell, dot, line, link, ruleX, ruleY, text, tickX. */
  readonly type: string;
  readonly data: readonly Record<string, unknown>[];
  readonly options: Record<string, unknown>;
}

export interface ChartSpec {
  /** The figure's element id in the page and its file name under `--figures`. */
  readonly id: string;
  readonly file: string;
  readonly title: string;
  /** Plot's top-level options; an axis may carry `names` (tick value → label). */
  readonly plot: Record<string, unknown>;
  readonly marks: readonly MarkSpec[];
}

export const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#9c755f", "#76b7b2"];
const WIDTH = 600;
const HEIGHT = 280;

/** 1, 2, 5 × 10^k: the step that gives at most `most` intervals over [0, max], never below `min`. */
export function niceStep(span: number, most = 5, min = 0): number {
  if (!(span > 0)) return Math.max(min, 1);
  const raw = span / most;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  return Math.max(step, min);
}

/** Integer ticks from 0 up to (and covering) max: for counts. */
export function countTicks(max: number): number[] {
  const step = Math.max(1, Math.round(niceStep(Math.max(1, max), 5, 1)));
  const top = Math.ceil(Math.max(1, max) / step) * step;
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

const decimals = (x: number) => {
  const s = String(x);
  const i = s.indexOf(".");
  return i < 0 ? 0 : s.length - i - 1;
};
const round = (x: number, d: number) => Number(x.toFixed(d));

/** Ticks on a scale's own values: every category when few, else a round multiple of the step. */
export function scaleTicks(scale: HumanScale, most = 11): number[] {
  const d = decimals(scale.step);
  const k = Math.round((scale.max - scale.min) / scale.step) + 1;
  let every = 1;
  for (const m of [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]) {
    every = m;
    if (Math.ceil(k / m) <= most) break;
  }
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const v = round(scale.min + i * scale.step, d);
    // Prefer ticks on round values (0, 0.1, 0.2 …) over ticks counted from an odd minimum.
    if (every === 1 || Math.abs(Math.round(v / (scale.step * every)) * scale.step * every - v) < scale.step / 2)
      out.push(v);
  }
  return out;
}

const pc = (x: number) => round(100 * x, 2);
const tickFormatOf = (step: number) => (decimals(step) === 0 ? "d" : `.${decimals(step)}~f`);

/** Pairwise scores 0 / 0.5 / 1 read as B / tie / A. */
const PAIRWISE_NAMES: Record<string, string> = { "0": "B", "0.5": "tie", "1": "A" };

function scoreAxis(d: ReportData, label: string): Record<string, unknown> {
  return d.mode === "pairwise"
    ? { label: label === "score" ? "preference" : label, names: PAIRWISE_NAMES }
    : { label, ticks: scaleTicks(d.scale), tickFormat: tickFormatOf(d.scale.step) };
}

function distributions(d: ReportData): ChartSpec {
  const series: [string, number[]][] = [["raw", d.distributions.raw]];
  if (d.distributions.calibrated) series.push(["calibrated", d.distributions.calibrated]);
  if (d.distributions.human) series.push(["human", d.distributions.human]);
  const rows = series.flatMap(([name, counts]) =>
    d.categories.map((c, i) => ({ score: c, series: name, count: counts[i] ?? 0 })),
  );
  const max = Math.max(0, ...rows.map((r) => r.count));
  const axis = scoreAxis(d, "score");
  return {
    id: "fig-distributions",
    file: "distributions.svg",
    title: "Score distributions",
    plot: {
      width: WIDTH,
      height: HEIGHT,
      marginLeft: 48,
      fx: { ...axis, domain: d.categories, padding: 0.15 },
      x: { axis: null, domain: series.map((s) => s[0]) },
      y: { label: "items", grid: true, domain: [0, countTicks(max).at(-1)], ticks: countTicks(max), tickFormat: "d" },
      color: { legend: true, domain: series.map((s) => s[0]), range: PALETTE },
    },
    marks: [
      {
        type: "barY",
        data: rows,
        options: { fx: "score", x: "series", y: "count", fill: "series", tip: true, className: "bar" },
      },
      { type: "ruleY", data: [{ y: 0 }], options: { y: "y" } },
    ],
  };
}

function calibration(d: ReportData): ChartSpec | null {
  if (!d.calibration) return null;
  const ticks = scaleTicks(d.scale);
  const domain = [d.scale.min, d.scale.max];
  const fmt = tickFormatOf(d.scale.step);
  const marks: MarkSpec[] = [
    {
      type: "link",
      data: [{ x1: d.scale.min, y1: d.scale.min, x2: d.scale.max, y2: d.scale.max }],
      options: { x1: "x1", y1: "y1", x2: "x2", y2: "y2", strokeOpacity: 0.3, strokeDasharray: "4,3" },
    },
  ];
  if (d.calibration.map.length)
    marks.push({
      type: "line",
      data: d.calibration.map.map(([x, y]) => ({ x, y })),
      options: { x: "x", y: "y", stroke: PALETTE[0], strokeWidth: 2, className: "map" },
    });
  if (d.calibration.reliability.length)
    marks.push({
      type: "dot",
      data: d.calibration.reliability.map((p) => ({ ...p, y: Number(p.y.toFixed(4)) })),
      options: { x: "x", y: "y", r: "n", fill: PALETTE[1], fillOpacity: 0.7, tip: true, className: "dot" },
    });
  return {
    id: "fig-calibration",
    file: "calibration.svg",
    title: "Calibration map (line), mean human score per raw score (dots, sized by items), identity (dashed)",
    plot: {
      width: WIDTH,
      height: HEIGHT,
      marginLeft: 48,
      x: { label: "raw score", domain, ticks, tickFormat: fmt },
      y: { label: "human / calibrated score", domain, ticks, tickFormat: fmt, grid: true },
      r: { range: [2, 10] },
    },
    marks,
  };
}

function confusion(d: ReportData): ChartSpec | null {
  if (!d.agreement) return null;
  const conf = d.agreement.confusion;
  // Fine scales (0..1 in 0.01 steps) have too many categories to read: show those in use.
  const used = new Set([...Object.keys(conf), ...Object.values(conf).flatMap((r) => Object.keys(r))]);
  const cats = d.categories.filter((c) => d.categories.length <= 12 || used.has(String(c)));
  const rows = cats.flatMap((h) => cats.map((p) => ({ human: h, judge: p, count: conf[String(h)]?.[String(p)] ?? 0 })));
  const names = d.mode === "pairwise" ? PAIRWISE_NAMES : undefined;
  const axis = (label: string) => ({
    label,
    domain: cats,
    tickFormat: tickFormatOf(d.scale.step),
    ...(names ? { names } : {}),
  });
  const marks: MarkSpec[] = [
    {
      type: "cell",
      data: rows,
      options: { x: "judge", y: "human", fill: "count", inset: 0.5, tip: true, className: "cell" },
    },
  ];
  if (cats.length <= 12)
    marks.push({
      type: "text",
      data: rows.filter((r) => r.count > 0),
      options: { x: "judge", y: "human", text: "count", fill: "currentColor" },
    });
  return {
    id: "fig-confusion",
    file: "confusion.svg",
    title: "Confusion matrix (rows: human, columns: judge)",
    plot: {
      width: Math.min(WIDTH, 120 + cats.length * 40),
      height: Math.min(HEIGHT + 120, 80 + cats.length * 32),
      marginLeft: 56,
      x: { ...axis("judge"), axis: "top" },
      y: axis("human"),
      color: { type: "linear", scheme: "blues", domain: [0, Math.max(1, ...rows.map((r) => r.count))] },
    },
    marks,
  };
}

const AGREEMENT_METRICS = ["qwk", "kappa", "spearman", "accuracy", "adjacent_accuracy"] as const;

function agreementChart(d: ReportData): ChartSpec | null {
  const { raw, calibrated, calibrator } = d.agreements;
  if (!raw) return null;
  const sources: [string, NonNullable<typeof raw>][] = [["raw", raw]];
  if (calibrated) sources.push([calibrator?.in_sample ? "calibrated (in-sample)" : "calibrated", calibrated]);
  const rows = sources.flatMap(([source, a]) =>
    AGREEMENT_METRICS.map((m) => ({
      metric: m.replace("_", " "),
      source,
      value: round(a.metrics[m].value ?? 0, 4),
      lo: round(a.metrics[m].ci?.[0] ?? a.metrics[m].value ?? 0, 4),
      hi: round(a.metrics[m].ci?.[1] ?? a.metrics[m].value ?? 0, 4),
    })),
  );
  const lo = Math.min(0, ...rows.map((r) => r.lo));
  return {
    id: "fig-agreement",
    file: "agreement.svg",
    title: "Agreement with human labels: raw and calibrated (95% bootstrap intervals)",
    plot: {
      width: WIDTH,
      height: 60 + AGREEMENT_METRICS.length * sources.length * 18,
      marginLeft: 120,
      x: {
        label: "value",
        domain: [lo < 0 ? -1 : 0, 1],
        ticks: lo < 0 ? [-1, -0.5, 0, 0.5, 1] : [0, 0.2, 0.4, 0.6, 0.8, 1],
        grid: true,
      },
      fy: { label: null, domain: AGREEMENT_METRICS.map((m) => m.replace("_", " ")) },
      y: { axis: null, domain: sources.map((s) => s[0]) },
      color: { legend: true, domain: sources.map((s) => s[0]), range: PALETTE },
    },
    marks: [
      { type: "ruleY", data: rows, options: { fy: "metric", y: "source", x1: "lo", x2: "hi", stroke: "source" } },
      {
        type: "dot",
        data: rows,
        options: { fy: "metric", y: "source", x: "value", fill: "source", r: 4, tip: true, className: "dot" },
      },
    ],
  };
}

function pairwiseCharts(d: ReportData): ChartSpec[] {
  const p = d.pairwise;
  if (!p) return [];
  const out: ChartSpec[] = [];
  const groups = [{ label: "all items", n: p.n, ...p.preference }, ...p.slices];
  const rows = groups.flatMap((g) =>
    (["A", "tie", "B"] as const).map((k) => ({
      slice: g.label,
      preferred: k,
      share: g.n ? round((100 * g[k]) / g.n, 2) : 0,
      count: g[k],
    })),
  );
  out.push({
    id: "fig-preference",
    file: "preference.svg",
    title: "Preference by slice (share of items)",
    plot: {
      width: WIDTH,
      height: 60 + groups.length * 28,
      marginLeft: 110,
      x: { label: "share of items (%)", domain: [0, 100], ticks: [0, 25, 50, 75, 100], grid: true },
      y: { label: null, domain: groups.map((g) => g.label) },
      color: { legend: true, domain: ["A", "tie", "B"], range: [PALETTE[0], "#b5b5bd", PALETTE[1]] },
    },
    marks: [
      { type: "barX", data: rows, options: { y: "slice", x: "share", fill: "preferred", tip: true, className: "bar" } },
      { type: "ruleX", data: [{ x: 50 }], options: { x: "x", strokeDasharray: "4,3", strokeOpacity: 0.5 } },
    ],
  });
  const bias: { what: string; value: number; lo: number; hi: number }[] = [];
  if (p.consistency)
    bias.push({
      what: "order consistency",
      value: pc(p.consistency.rate),
      lo: pc(p.consistency.lo),
      hi: pc(p.consistency.hi),
    });
  if (p.position)
    bias.push({ what: "picks first shown", value: pc(p.position.rate), lo: pc(p.position.lo), hi: pc(p.position.hi) });
  if (bias.length)
    out.push({
      id: "fig-position",
      file: "position.svg",
      title: "Order consistency and position bias (95% Wilson intervals; 50% = no position bias)",
      plot: {
        width: WIDTH,
        height: 60 + bias.length * 34,
        marginLeft: 130,
        x: { label: "rate (%)", domain: [0, 100], ticks: [0, 25, 50, 75, 100], grid: true },
        y: { label: null, domain: bias.map((b) => b.what) },
      },
      marks: [
        { type: "ruleY", data: bias, options: { y: "what", x1: "lo", x2: "hi", strokeWidth: 2 } },
        {
          type: "dot",
          data: bias,
          options: { y: "what", x: "value", r: 5, fill: PALETTE[3], tip: true, className: "dot" },
        },
        { type: "ruleX", data: [{ x: 50 }], options: { x: "x", strokeDasharray: "4,3", strokeOpacity: 0.5 } },
      ],
    });
  return out;
}

function drift(d: ReportData): ChartSpec | null {
  if (!d.drift) return null;
  const rows = d.drift.slices_rate.map((r) => ({ ...r, value: pc(r.value), lo: pc(r.lo), hi: pc(r.hi) }));
  const top = Math.max(5, ...rows.map((r) => r.hi));
  const step = niceStep(top, 5);
  const max = round(Math.ceil(top / step) * step, 6);
  return {
    id: "fig-drift",
    file: "drift.svg",
    title: "Flip rate per slice (95% Wilson interval)",
    plot: {
      width: WIDTH,
      height: 60 + rows.length * 26,
      marginLeft: 110,
      x: {
        label: "flip rate (%)",
        domain: [0, max],
        ticks: Array.from({ length: Math.round(max / step) + 1 }, (_, i) => round(i * step, 6)),
        grid: true,
      },
      y: { label: null, domain: rows.map((r) => r.label) },
    },
    marks: [
      { type: "barX", data: rows, options: { y: "label", x: "value", fill: PALETTE[3], tip: true, className: "bar" } },
      { type: "ruleY", data: rows, options: { y: "label", x1: "lo", x2: "hi", strokeWidth: 1.5 } },
    ],
  };
}

export function chartSpecs(d: ReportData): ChartSpec[] {
  return [distributions(d), calibration(d), confusion(d), agreementChart(d), ...pairwiseCharts(d), drift(d)].filter(
    (c): c is ChartSpec => c !== null,
  );
}
