export { type CompileOptions, type CompileResult, compileFile, compileSource, type ImportReader } from "./compile.js";
export type * from "./ir.js";
export { DEFAULT_MIN_QUOTE_WORDS } from "./ir.js";
export {
  type CompiledItems,
  compileItems,
  expandItemCriterion,
  type ItemCriteriaResult,
  itemCriteria,
} from "./items.js";
export { DEFAULT_JUDGE, lowerRubric } from "./lower.js";
export { RULES } from "./rules.js";
