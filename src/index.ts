/**
 * The rulers library: the same locked judging the CLI runs, from code.
 *
 * ```ts
 * import { compile, judge, loadBundle } from "rulers";
 *
 * const bundle = loadBundle("asap.persuasive-essay@1.0.0", { lock: "rulers.lock" });
 * for await (const record of judge(bundle, rows, { model: "gpt-4o-mini" })) {
 *   console.log(record.item_id, record.raw_score, record.error ?? "");
 * }
 * ```
 * @packageDocumentation
 */
export { type Agreement, type AgreeOptions, agree, type RaterAgreement, raterAgreement } from "./api/agree.js";
export { applyCalibrator, diff, diffText } from "./api/analysis.js";
export { type ApplyOptions, applyToRun, CalibratorMismatchError } from "./api/apply.js";
export {
  type AttributeBias,
  AUDIT_ATTRIBUTES,
  type BiasCard,
  biasCard,
  DEFAULT_AUDIT_FAIL_ON,
  judgeForAudit,
  readAuditRun,
} from "./api/audit.js";
export {
  type BatchJudgeOptions,
  batchSettings,
  type IngestBatchOptions,
  type IngestedBatch,
  ingestBatch,
  type PrepareBatchOptions,
  type PreparedBatch,
  prepareBatch,
} from "./api/batch.js";
export {
  type BatchConnection,
  type BatchProvider,
  type BatchState,
  type BatchStatus,
  batchStatuses,
  type Collected,
  type CollectOptions,
  collectBatches,
  type SubmitOptions,
  type SubmittedBatch,
  submitBatches,
} from "./api/batch-remote.js";
export {
  BundleError,
  BundleRefusedError,
  DEFAULT_LOCK,
  findBundles,
  type LoadOptions,
  LockError,
  loadBundle,
  lockBundles,
  readBundle,
  readLock,
  readPublicKey,
  type VerifyTargets,
  verify,
  writeLock,
} from "./api/bundles.js";
export { type Calibrated, type CalibrateOptions, calibrateRun } from "./api/calibrate.js";
export { type Compiled, type CompileInput, type CompileOptions, compile, writeBundle } from "./api/compile.js";
export {
  type DriftBundlesOptions,
  type DriftPlan,
  type DriftResult,
  type DriftRunsOptions,
  driftBundles,
  driftJson,
  driftMarkdown,
  driftRuns,
  planDrift,
  readDriftLabels,
  readDriftRun,
} from "./api/drift.js";
export {
  type CostEstimate,
  type EstimateOptions,
  estimateCost,
  type ModelEstimate,
} from "./api/estimate.js";
export { EXPORT_TARGETS, type Exported, type ExportedFile, type ExportTarget, exportBundle } from "./api/export.js";
export { type Formatted, format } from "./api/format.js";
export {
  IMPORT_FORMATS,
  ImportError,
  type ImportFormat,
  type ImportResult,
  importRubrics,
} from "./api/import.js";
export { type JudgeOptions, type JudgeRow, type JudgeRun, judge } from "./api/judge.js";
export { type Merged, type MergeOptions, mergeRuns } from "./api/merge.js";
export { judgeProbes, type ProbeJudgeOptions, readProbeRows } from "./api/probe-judging.js";
export { PROBE_KINDS, type ProbeKind, type ProbeOptions, type ProbesWritten, writeProbes } from "./api/probes.js";
export { type ReportFiles, reportFromFiles } from "./api/report.js";
export {
  type JudgeRows,
  judgeToFile,
  type RunFileOptions,
  type RunFileResult,
  RunStoppedError,
  type StopReason,
} from "./api/run-file.js";
export { generateKeyPair, readPrivateKey, signBundles } from "./api/sign.js";
export type { Lock, LockEntry } from "./bundle/lock.js";
export type { Bundle, BundleBody, PromptTemplates } from "./bundle/types.js";
export type { Problem as VerifyProblem, ProblemKind, Verified } from "./bundle/verify.js";
export type { MetricWithCi } from "./calibrate/agreement.js";
// Types that the functions above take or return, so the reference documents every shape.
export type { FeatureSet, RunRead } from "./calibrate/data.js";
export {
  type AgreementOptions,
  type AgreementReport,
  agreement,
  type Calibrator,
  type CalibratorBody,
  FEATURE_SETS,
  fitCalibrator,
  type HumanScale,
  type Joined,
  join,
  METHODS,
  type Method,
  type RunItem,
  readCalibrator,
  readLabels,
  readRun,
  serializeCalibrator,
} from "./calibrate/index.js";
export type { LinearModel } from "./calibrate/linear.js";
export type { CalibrationMap } from "./calibrate/maps.js";
export type { MetricName } from "./calibrate/metrics.js";
export type * from "./compile/ir.js";
export type { Diagnostic, Severity, Span } from "./diagnostics/index.js";
export type { AttributeDrift, Expected as ExpectedLean, Lean } from "./drift/attributes.js";
export type { FlippedItem } from "./drift/behaviour.js";
export type { CriterionDiff, DiffStatus, FieldChange, PartDiff } from "./drift/diff.js";
export type { FeatureFinding, ResponseFeatures } from "./drift/features.js";
export { compareRuns as drift, type DriftOptions, type DriftReport, type RubricDiff } from "./drift/index.js";
export type { MeaningKind } from "./drift/meaning.js";
export type { Rec as DriftRecord } from "./drift/records.js";
export type { Finding, RiskLevel, RiskPattern } from "./drift/risk.js";
export type { SliceStats } from "./drift/slices.js";
export type { TextChange } from "./drift/text.js";
export type { JudgeSettings, ResumedPart, RunSummary } from "./execute/index.js";
export type { ImportedRubric, ImportWarning } from "./import/source.js";
export type { Cache } from "./judge/cache.js";
export type { ProgressMode } from "./judge/progress.js";
export type { CapabilityTable, ModelCapabilities } from "./provider/capabilities.js";
export type { ModelPrice, PriceList } from "./provider/prices.js";
export type { AnswerFormat, Completion, Guided, ProviderName, Usage } from "./provider/types.js";
export {
  type CriterionRecord,
  type EvidenceRecord,
  RecordError,
  type RunRecord,
  RunRecordSchema,
  readRecords,
} from "./record/index.js";
export type { LineRecord, ReadOptions } from "./record/read.js";
export { FailureTally } from "./record/read.js";
export { CriterionRecordSchema, EvidenceSchema } from "./record/schema.js";
export type {
  CriterionSummary,
  PairwiseSummary,
  Rec as ReportRecord,
  ReportItem,
  SliceRate,
} from "./report/data.js";
export { buildReport, type ReportData, type ReportInputs, renderHtml } from "./report/index.js";
export {
  type ColumnMap,
  type NeededField,
  type OpenRowsOptions,
  openRows,
  ROW_FORMATS,
  type RowFormat,
  type RowLine,
  RowSource,
  RowsError,
} from "./rows/index.js";
export { isRulersError, RulersError } from "./util/errors.js";
export type { JsonlProblem, JsonlResult, JsonlRow } from "./util/jsonl.js";
