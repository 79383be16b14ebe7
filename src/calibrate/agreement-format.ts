/**
 * How an agreement report reads: one name per metric, one way to show a value and its interval
 * (or why it is undefined), one confusion table. `rulers agree` (judge against labels, and rater
 * against rater) prints it as text; the HTML report puts the same figures in a table.
 */
import type { AgreementReport, MetricWithCi } from "./agreement.js";
import type { MetricName } from "./metrics.js";

export const METRIC_LABELS: Readonly<Record<MetricName, string>> = {
  qwk: "quadratic weighted kappa",
  kappa: "Cohen's kappa",
  kappa_linear: "linear weighted kappa",
  accuracy: "exact accuracy",
  adjacent_accuracy: "adjacent accuracy",
  mae: "MAE",
  rmse: "RMSE",
  pearson: "Pearson r",
  spearman: "Spearman rho",
  kendall_tau_b: "Kendall tau-b",
};

/** A metric's reader-facing name (its key when the metric is unknown). */
export function metricLabel(name: string): string {
  return METRIC_LABELS[name as MetricName] ?? name;
}

export interface MetricFigures {
  /** The value to `digits` places, or null when the metric is undefined on this data. */
  readonly value: string | null;
  /** `[lo, hi]` to `digits` places, or null without a bootstrap interval. */
  readonly ci: string | null;
  /** Why the value is undefined (e.g. every label the same). */
  readonly reason: string | null;
}

export function metricFigures(m: MetricWithCi, digits = 3): MetricFigures {
  return {
    value: m.value === null ? null : m.value.toFixed(digits),
    ci: m.ci ? `[${m.ci[0].toFixed(digits)}, ${m.ci[1].toFixed(digits)}]` : null,
    reason: m.value === null ? (m.reason ?? "") : null,
  };
}

/** One line per metric: name, value and interval, or `undefined (reason)`. */
export function metricLines(report: Pick<AgreementReport, "metrics">): string[] {
  return Object.entries(report.metrics).map(([name, m]) => {
    const f = metricFigures(m);
    const v = f.value === null ? `undefined (${f.reason})` : `${f.value}${f.ci ? `  ${f.ci}` : ""}`;
    return `  ${metricLabel(name).padEnd(24)} ${v}`;
  });
}

/** The confusion table as aligned text, categories in numeric order; `rows` and `columns` name its axes. */
export function confusionLines(confusion: AgreementReport["confusion"], rows = "human", columns = "judge"): string[] {
  const cats = Object.keys(confusion).concat(...Object.values(confusion).map((r) => Object.keys(r)));
  const all = [...new Set(cats)].sort((a, b) => Number(a) - Number(b));
  return [
    `confusion (rows: ${rows}, columns: ${columns}):`,
    `      ${all.map((c) => c.padStart(6)).join("")}`,
    ...all.map((h) => h.padStart(6) + all.map((p) => String(confusion[h]?.[p] ?? 0).padStart(6)).join("")),
  ];
}
