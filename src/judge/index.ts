export { checkAnswer, requestSchema } from "./answer.js";
export { type Cache, cacheKey, memoryCache, openCache } from "./cache.js";
export {
  type Completion,
  complete,
  createJudgeClient,
  JudgeCallError,
  type JudgeClient,
  jsonObjectFormat,
  jsonSchemaFormat,
} from "./client.js";
export { runPool } from "./pool.js";
export { createProgress, type ProgressMode } from "./progress.js";
export { renderPrompt, shownInputs } from "./prompt.js";
