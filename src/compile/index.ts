export type * from "./ir.js";
export { compileSource, compileFile, type CompileOptions, type CompileResult, type ImportReader } from "./compile.js";
export { lowerRubric, DEFAULT_JUDGE } from "./lower.js";
export { RULES } from "./rules.js";
export { compileItems, expandItemCriterion, itemCriteria, type CompiledItems, type ItemCriteriaResult } from "./items.js";
