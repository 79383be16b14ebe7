export { diffRubrics, type CriterionDiff, type FieldChange, type RubricDiff } from "./diff.js";
export { riskFindings, type Finding, type RiskPattern } from "./risk.js";
export { compareRuns, type DriftOptions, type DriftReport, type FlippedItem, type Rec, type SliceStats } from "./behaviour.js";
export { binomialTwoSided, mcnemarExact, signTest } from "./stats.js";
export { featuresOf, FEATURE_NAMES, type ResponseFeatures } from "./features.js";
export { driftMarkdown, diffText } from "./markdown.js";
export { locate, similarity, textChange } from "./text.js";
