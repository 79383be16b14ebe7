/**
 * A model's reading of a rubric edit, as `rulers diff --audit-model` asks for it: each changed
 * sentence classified (effect, the attribute it favours, a risk level, a reason) under a strict
 * schema, answers cached, and the verdict raised to the highest risk any answer gives.
 */
import type { RubricIR } from "../compile/ir.js";
import { type AuditedHunk, auditHunks, changedHunks, type RiskLevel, type RubricDiff } from "../drift/index.js";
import { createJudgeClient, JudgeCallError, openCache } from "../judge/index.js";
import { RulersError } from "../util/errors.js";

export interface DiffAuditOptions {
  /** The model that reads the changes (any OpenAI-compatible endpoint). */
  readonly model: string;
  readonly baseURL?: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** The answer cache file (default `diff.audit.cache.jsonl`). */
  readonly cache?: string;
}

export interface DiffAudit {
  readonly audit: AuditedHunk[];
  /** The highest risk the answers give (`none` without any). */
  readonly auditVerdict: RiskLevel;
  /** The diff's own verdict, raised to the audit's when that is higher. */
  readonly verdict: RiskLevel;
}

const ORDER: readonly RiskLevel[] = ["none", "low", "high"];

/**
 * Ask the model about every sentence that changed from `a` to `b` (`diff` is their semantic
 * diff). A call that fails stops the audit with a RulersError (`run_stopped`); answers so far
 * stay in the cache.
 */
export async function auditDiff(
  a: RubricIR,
  b: RubricIR,
  diff: RubricDiff,
  opts: DiffAuditOptions,
): Promise<DiffAudit> {
  const client = createJudgeClient({
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
    ...(opts.apiKey !== undefined ? { apiKey: opts.apiKey } : {}),
    timeoutMs: opts.timeoutMs ?? 120_000,
    maxRetries: opts.maxRetries ?? 4,
    maxInFlight: 4,
  });
  const cachePath = opts.cache ?? "diff.audit.cache.jsonl";
  const cache = openCache(cachePath);
  let audit: AuditedHunk[];
  try {
    audit = await auditHunks(changedHunks(a, b, diff), { client, model: opts.model, cache });
  } catch (err) {
    if (err instanceof JudgeCallError)
      throw new RulersError(`${err.message}. Answers so far are kept in ${cachePath}`, {
        code: "run_stopped",
        cause: err,
      });
    throw err;
  } finally {
    cache.close();
  }
  const auditVerdict: RiskLevel = audit.some((h) => h.answer?.risk === "high")
    ? "high"
    : audit.some((h) => h.answer?.risk === "low")
      ? "low"
      : "none";
  const verdict = ORDER.indexOf(auditVerdict) > ORDER.indexOf(diff.verdict) ? auditVerdict : diff.verdict;
  return { audit, auditVerdict, verdict };
}
