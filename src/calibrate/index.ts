export { prng } from "../util/prng.js";
export { type AgreementOptions, type AgreementReport, agreement, type MetricWithCi } from "./agreement.js";
export {
  confusionLines,
  METRIC_LABELS,
  type MetricFigures,
  metricFigures,
  metricLabel,
  metricLines,
} from "./agreement-format.js";
export * from "./calibrator.js";
export * from "./categories.js";
export * from "./data.js";
export * from "./folds.js";
export * from "./linear.js";
export * from "./maps.js";
export * from "./metrics.js";
