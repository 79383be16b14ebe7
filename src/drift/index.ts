export {
  ATTRIBUTES,
  type AttributeBias,
  type AttributeDrift,
  attributeBias,
  attributeDrift,
  type Expected,
  type Lean,
  type ProbeTag,
  probeTag,
} from "./attributes.js";
export {
  AUDIT_DIRECTIONS,
  AUDIT_EFFECTS,
  AUDIT_SCHEMA,
  type AuditAnswer,
  type AuditedHunk,
  type AuditOptions,
  auditHunks,
} from "./audit-model.js";
export {
  compareRuns,
  DEFAULT_FAIL_ON,
  type DriftOptions,
  type DriftReport,
  FAIL_ON_NAMES,
  type FlippedItem,
  NO_SLICE,
} from "./behaviour.js";
export {
  type CriterionDiff,
  type DiffOptions,
  type DiffStatus,
  diffRubrics,
  effectiveShares,
  type FieldChange,
  type PartDiff,
  RENAME_SIMILARITY,
  type RubricDiff,
} from "./diff.js";
export { diffText } from "./diff-text.js";
export {
  FEATURE_DEFINITIONS,
  FEATURE_NAMES,
  type FeatureFinding,
  type FeatureName,
  featureFindings,
  featuresOf,
  type ResponseFeatures,
} from "./features.js";
export { changedHunks, type Hunk } from "./hunks.js";
export { driftJson } from "./json.js";
export { phraseAt, type Scope, SourceLocator, type SourcePosition } from "./locate.js";
export { driftMarkdown, MARKDOWN_FLIP_LIMIT } from "./markdown.js";
export {
  contentStems,
  factorLists,
  type MeaningChange,
  type MeaningKind,
  meaningChanges,
  sentencesOf,
  stem,
} from "./meaning.js";
export { detectionPower, minimumDetectableFlipRate, type PlanOptions, probesNeeded } from "./plan.js";
export {
  buildProbes,
  markdown,
  PROBE_KINDS,
  PROBE_TEXT,
  type ProbeKind,
  type ProbeOptions,
  type ProbeResult,
  type ProbeRow,
  plain,
  sentences,
  truncate,
} from "./probes.js";
export { DriftError, labelCorrect, type Pair, type Paired, PREFERENCE, pairRuns, type Rec } from "./records.js";
export {
  type Finding,
  GROWTH,
  REWEIGHT_SHARE,
  RISK_LEVEL,
  type RiskLevel,
  type RiskPattern,
  riskFindings,
} from "./risk.js";
export { type SliceStats, sliceStats, type Thresholds } from "./slices.js";
export { binomialTwoSided, holm, logBinomialPmf, mcnemarExact, pearson, signTest } from "./stats.js";
export { changedSpans, similarity, type TextChange, textChange } from "./text.js";
export { type CitedEvidence, type CriterionVerdict, verdictsOf } from "./verdicts.js";
