export { createJudgeClient, complete, JudgeCallError, jsonObjectFormat, jsonSchemaFormat, type Completion, type JudgeClient } from "./client.js";
export { cacheKey, memoryCache, openCache, type Cache } from "./cache.js";
export { renderPrompt, shownInputs } from "./prompt.js";
export { checkAnswer, requestSchema } from "./answer.js";
export { runPool } from "./pool.js";
