/**
 * The rulers library: the same locked judging the CLI runs, from code.
 *
 * ```ts
 * import { compile, loadBundle } from "rulers";
 * const { bundle, messages } = compile({ file: "rubric.rubric" });
 * ```
 * @packageDocumentation
 */
export { type BundleRefusedError, loadBundle, type LoadOptions, type VerifyTargets, verify } from "./api/bundles.js";
export { type CompileInput, type CompileOptions, type Compiled, compile } from "./api/compile.js";
export type { Bundle, BundleBody, PromptTemplates } from "./bundle/types.js";
export type { Lock, LockEntry } from "./bundle/lock.js";
export type { ProblemKind, Verified, Problem as VerifyProblem } from "./bundle/verify.js";
export type * from "./compile/ir.js";
export type { Diagnostic, Severity, Span } from "./diagnostics/index.js";
export { isRulersError, RulersError } from "./util/errors.js";
