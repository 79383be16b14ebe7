export {
  describeIssue,
  eachRecord,
  FailureTally,
  failureReason,
  type LineRecord,
  parseRecord,
  parseRecordLine,
  type ReadOptions,
  RecordError,
  readRecords,
} from "./read.js";
export {
  type CriterionRecord,
  CriterionRecordSchema,
  type EvidenceRecord,
  EvidenceSchema,
  isScored,
  JudgeIdentitySchema,
  type OrderJudgment,
  OrderJudgmentSchema,
  type RunRecord,
  RunRecordSchema,
  runRecordJsonSchema,
  ScaleSchema,
} from "./schema.js";
export { addRecord, emptyTotals, mergeTotals, type RecordTotals } from "./totals.js";
