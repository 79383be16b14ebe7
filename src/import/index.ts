export { importHealthbench, readRecords } from "./healthbench.js";
export { importJudgePrompt } from "./judge-prompt.js";
export { importPrometheus } from "./prometheus.js";
export { importPromptfoo } from "./promptfoo.js";
export { ImportError, type ImportedRubric, type ImportResult, type ImportWarning } from "./source.js";
