/**
 * The run record: one JSON object per line of `run.jsonl`, the contract between the stage that
 * writes runs (execute: `rulers judge`, `batch ingest`, `merge`) and every stage that reads them
 * (calibrate, drift, report). Readers ignore fields they do not know, so a newer writer never
 * breaks an older reader; a known field of the wrong shape is an error with its line.
 * grammar/run-record.md documents each field; grammar/run-record.schema.json is generated from
 * this file (`npx tsx scripts/run-record-schema.ts`) and a test keeps the two equal.
 */
import type { z } from "zod";
import { lazy, lazyObject } from "../util/lazy.js";
import { zodPackage } from "../util/packages.js";

/** The schemas, built on first use (zod costs more to load than a caller who never reads a run needs). */
export const recordSchemas = lazy(() => {
  const { z } = zodPackage();
  const count = z.number().int().nonnegative();
  const finite = z.number().refine(Number.isFinite, "must be a finite number");

  const EvidenceSchema = z.object({
    quote: z.string(),
    input: z.string().nullable(),
    verified: z.boolean(),
    match: z.enum(["exact", "normalized", "fuzzy", "none"]),
    /** Conversation inputs: the message (0-based) and the field within it that the quote comes from. */
    turn: count.optional(),
    field: z.string().min(1).optional(),
    start: count.optional(),
    end: count.optional(),
    similarity: z.number().min(0).max(1).optional(),
    reason: z.string().optional(),
    /** Set when the quote was refused because it comes from a reference answer. */
    refused: z.literal("reference").optional(),
    /** Why an unverified quote did not count, as a code (`reason` says it in words). */
    status: z.enum(["too-short", "too-long", "input-not-allowed", "input-missing", "not-found"]).optional(),
  });

  const CriterionRecordSchema = z.object({
    id: z.string().min(1),
    verdict: z.string().nullable().optional(),
    level: finite.nullable().optional(),
    /** What the judge answered, when the evidence policy replaced it (fail-closed). */
    judged_verdict: z.string().nullable().optional(),
    judged_level: finite.nullable().optional(),
    rationale: z.string(),
    evidence: z.array(EvidenceSchema),
    status: z.string(),
  });

  const ScaleSchema = z.union([
    z.object({ kind: z.literal("numeric"), min: finite, max: finite, step: finite.positive() }),
    z.object({ kind: z.literal("pass_fail") }),
  ]);

  const oneOrMany = z.union([z.string(), z.array(z.string())]);

  const JudgeIdentitySchema = z.object({
    base_url_host: z.string(),
    model: oneOrMany,
    requested_model: oneOrMany,
    system_fingerprint: oneOrMany.nullable(),
    /** Null when the model takes no temperature (reasoning models, Anthropic with a thinking budget): none was sent. */
    temperature: finite.nullable(),
    seed: z.number().int().nullable(),
    samples: z.number().int().positive(),
    format: z.enum(["json_schema", "json", "tools"]),
    provider: z.enum(["openai", "anthropic", "gemini", "openai-compatible"]).optional(),
    reasoning_effort: z.string().min(1).optional(),
    reasoning_budget: z.number().int().positive().optional(),
    /** Settings the command line changed from the rubric's; null means the flag turned the setting off. */
    overrides: z
      .object({
        reasoning_effort: z.string().min(1).nullable().optional(),
        reasoning_budget: z.number().int().positive().nullable().optional(),
      })
      .optional(),
  });

  const preference = z.enum(["A", "B", "tie"]);

  const OrderJudgmentSchema = z.object({
    model: z.string(),
    sample: count,
    order: z.enum(["AB", "BA"]),
    preferred: preference,
    criteria: z.array(CriterionRecordSchema),
  });

  const RunRecordSchema = z.object({
    item_id: z.string().min(1),
    line: z.number().int().positive(),
    bundle: z.object({ id: z.string(), version: z.string(), hash: z.string().regex(/^sha256:[0-9a-f]{64}$/) }),
    raw_score: finite.nullable(),
    flags: z.array(z.string()),
    error: z.string().optional(),
    errors: z.array(z.string()).optional(),
    judge: JudgeIdentitySchema.optional(),
    prompt_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    usage: z.object({ prompt_tokens: count, completion_tokens: count }).optional(),
    /** USD of the calls behind the record (cache hits included), from the price list; null when a model has no price. */
    cost_usd: z.number().nonnegative().nullable().optional(),
    latency_ms: z.number().nonnegative().optional(),
    scale: ScaleSchema.optional(),
    checks: z.array(z.object({ id: z.string(), passed: z.boolean(), detail: z.string() })).optional(),
    criteria: z.array(CriterionRecordSchema).optional(),
    gates: z.array(z.object({ id: z.string(), action: z.enum(["cap", "fix"]), value: finite })).optional(),
    tag_scores: z.record(z.string(), z.object({ score: finite.nullable(), criteria: count })).optional(),
    spread: z
      .object({
        raw_score_sd: finite.nullable(),
        raw_score_range: finite.nullable(),
        agreement: z.record(z.string(), finite),
      })
      .optional(),
    panel: z
      .object({
        models: z.array(z.string()),
        judgments: z.array(z.object({ model: z.string(), sample: count, raw_score: finite.nullable() })),
      })
      .optional(),
    preferred: preference.optional(),
    preference: z
      .object({
        derivation: z.string(),
        orders: z.array(OrderJudgmentSchema),
      })
      .optional(),
    position: z
      .object({
        consistent: count,
        inconsistent: count,
        orders: z.array(z.array(preference)),
      })
      .optional(),
    votes: z.array(preference).optional(),
    calibrated_score: finite.optional(),
    calibrator: z.string().optional(),
  });
  return {
    EvidenceSchema,
    CriterionRecordSchema,
    ScaleSchema,
    JudgeIdentitySchema,
    OrderJudgmentSchema,
    RunRecordSchema,
  };
});

/** One line of `run.jsonl` (grammar/run-record.md). */
export const RunRecordSchema = lazyObject(() => recordSchemas().RunRecordSchema);
/** One criterion's judgment inside a record. */
export const CriterionRecordSchema = lazyObject(() => recordSchemas().CriterionRecordSchema);
/** One quote and how it was verified. */
export const EvidenceSchema = lazyObject(() => recordSchemas().EvidenceSchema);
export const ScaleSchema = lazyObject(() => recordSchemas().ScaleSchema);
export const JudgeIdentitySchema = lazyObject(() => recordSchemas().JudgeIdentitySchema);
export const OrderJudgmentSchema = lazyObject(() => recordSchemas().OrderJudgmentSchema);

export type RunRecord = z.infer<typeof RunRecordSchema>;
export type CriterionRecord = z.infer<typeof CriterionRecordSchema>;
export type EvidenceRecord = z.infer<typeof EvidenceSchema>;
export type OrderJudgment = z.infer<typeof OrderJudgmentSchema>;

/** Whether a record carries a usable score: no error and a finite raw score. */
export function isScored(r: RunRecord): r is RunRecord & { raw_score: number } {
  return r.error === undefined && typeof r.raw_score === "number";
}

/** The JSON Schema published as grammar/run-record.schema.json. */
export function runRecordJsonSchema(): Record<string, unknown> {
  return {
    ...zodPackage().z.toJSONSchema(recordSchemas().RunRecordSchema, {
      target: "draft-2020-12",
      unrepresentable: "any",
      io: "input",
    }),
    $id: "https://rulers.dev/schemas/run-record.schema.json",
    title: "rulers run record",
    description: "One line of run.jsonl: the judgment of one item. Fields are documented in grammar/run-record.md.",
  };
}
