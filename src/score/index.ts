export * from "./types.js";
export { fromUnit, roundWith, scaleSteps, toScale } from "./scale.js";
export { runCheck } from "./checks.js";
export { evaluateCondition, preferenceOf, scoreHolistic, scoreItem, valueOf } from "./aggregate.js";
export { combineJudgments, combineOrders, median, preferenceScore, strictMajority, unswap, type Combined, type Spread } from "./combine.js";
export { applyEvidencePolicy, type PolicyResult } from "./policy.js";
export { tagScores, type TagScore } from "./tags.js";
