export {
  anthropicCustomId,
  type BatchResult,
  customId,
  PartWriter,
  type PlannedCall,
  parseBatchLine,
  parseCustomId,
  planCalls,
} from "./batch.js";
export { ResultIndex } from "./batch-results.js";
export {
  criteriaFor,
  type ItemContext,
  type JudgeSettings,
  judgeItem,
  RowError,
  type RunStats,
  requestFor,
  rowInputs,
} from "./item.js";
export { OutputError, openRunOutput, type ResumeState, type RunOutput, readResume } from "./output.js";
export { failedRecord, judgeRow, newRunStats, type RowOutcome, rowProblem } from "./row.js";
export { type ResumedPart, type RunOptions, type RunResult, type RunSummary, runJudge, shardOf } from "./run.js";
