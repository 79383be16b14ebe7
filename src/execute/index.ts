export { runJudge, shardOf, type RunOptions, type RunResult, type RunSummary } from "./run.js";
export { criteriaFor, judgeItem, requestFor, RowError, rowInputs, type JudgeSettings, type RunRecord } from "./item.js";
export { customId, parseBatchLine, parseCustomId, PartWriter, planCalls, type BatchResult, type PlannedCall } from "./batch.js";
export { ResultIndex } from "./batch-results.js";
