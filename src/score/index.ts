export { scoreHolistic, scoreItem } from "./aggregate.js";
export { countCodePoints, countWords, runCheck, textOf } from "./checks.js";
export {
  type Combined,
  combineJudgments,
  combinePanel,
  combineSamples,
  type Judged,
  median,
  type PanelResult,
  type Spread,
  strictMajority,
} from "./combine.js";
export { applyActions, evaluateCondition, firedGates, type GateContext } from "./gates.js";
export { parseNumber } from "./numbers.js";
export { combineOrders, type OrderResult, preferenceOf, preferenceScore, unswap } from "./pairwise.js";
export { applyEvidencePolicy, type PolicyResult } from "./policy.js";
export { compilePattern, linearSource, REGEX_TIME_LIMIT_MS } from "./safe-regex.js";
export { decimals, fromUnit, roundWith, scaleSteps, toScale } from "./scale.js";
export { type TagScore, tagScores } from "./tags.js";
export * from "./types.js";
export { criterionValue, isMet, levelRange, weightOf } from "./value.js";
