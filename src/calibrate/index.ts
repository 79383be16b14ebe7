export * from "./categories.js";
export * from "./metrics.js";
export { agreement, prng, type AgreementOptions, type AgreementReport, type MetricWithCi } from "./agreement.js";
export * from "./maps.js";
export * from "./linear.js";
export * from "./data.js";
export * from "./calibrator.js";
export * from "./folds.js";
