export { importHealthbench, readRecords } from "./healthbench.js";
export { importPrometheus } from "./prometheus.js";
export { importJudgePrompt } from "./judge-prompt.js";
export { importPromptfoo } from "./promptfoo.js";
export { ImportError, type ImportResult, type ImportWarning, type ImportedRubric } from "./source.js";
