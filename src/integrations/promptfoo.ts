/**
 * A locked rulers bundle as a promptfoo assertion. promptfoo loads JavaScript assertion files
 * (`type: javascript`, `value: file://…/promptfoo.js`) and calls the default export with the
 * output under test and a context whose `config` is the assertion's `config` block:
 *
 * ```yaml
 * defaultTest:
 *   assert:
 *     - type: javascript
 *       value: file://node_modules/rulers/dist/integrations/promptfoo.js
 *       config:
 *         bundle: asap.persuasive-essay@1.0.0   # or a path to bundle.json
 *         lock: rulers.lock                      # refuse anything the lock does not pin
 *         model: gpt-4o-mini
 *         inputs: { essay: output, prompt: vars.prompt }
 * ```
 *
 * The result carries the rulers verdict: `score` is the item's score mapped onto 0..1 (the
 * calibrated score when a calibrator is given), `pass` compares it with `threshold`, each
 * criterion is a component result, and `metadata` holds the bundle hash, the judge model and
 * every cited quote with whether it was verified. A judge failure fails the assertion with the
 * reason; it never passes by default.
 */

// Through the package root, so the assertion shares the root's single-file build (and its
// RulersError class) with a caller who imports both (scripts/bundle-dist.mjs).
import { type Bundle, type JudgeOptions, judge, loadBundle, RulersError, type RunRecord } from "../index.js";

/** The fields of promptfoo's GradingResult that rulers fills in. */
export interface PromptfooGradingResult {
  pass: boolean;
  score: number;
  reason: string;
  namedScores?: Record<string, number>;
  componentResults?: PromptfooGradingResult[];
  tokensUsed?: { total: number; prompt: number; completion: number };
  metadata?: Record<string, unknown>;
}

export interface PromptfooContext {
  readonly prompt?: string | undefined;
  readonly vars?: Record<string, unknown>;
  readonly config?: Record<string, unknown>;
}

export interface RulersAssertionConfig {
  /** `id@version` (looked up in the lock) or a path to bundle.json. */
  readonly bundle: string;
  readonly lock?: string;
  readonly model: string;
  readonly baseUrl?: string;
  /** Name of the environment variable holding the API key (default OPENAI_API_KEY). */
  readonly apiKeyEnv?: string;
  /**
   * Rubric input → where its text comes from: `output` (the output under test), `prompt` (the
   * rendered prompt), or `vars.NAME`. Inputs not listed are taken from a var of the same name.
   */
  readonly inputs?: Record<string, string>;
  /** Pass when the 0..1 score is at least this (default 0.5). */
  readonly threshold?: number;
  /** A calibrator file fitted for this bundle: the score is then the calibrated one. */
  readonly calibrator?: string;
  /** Call cache file; every finished judge call is kept, so re-running an eval pays nothing. */
  readonly cache?: string;
  readonly samples?: number;
}

const bundles = new Map<string, Bundle>();

function configOf(raw: Record<string, unknown> | undefined): RulersAssertionConfig {
  const c = raw ?? {};
  if (typeof c.bundle !== "string" || !c.bundle)
    throw new RulersError("the rulers assertion needs `config.bundle` (id@version or a bundle.json path)", {
      code: "usage",
    });
  if (typeof c.model !== "string" || !c.model)
    throw new RulersError("the rulers assertion needs `config.model` (the judge model)", { code: "usage" });
  return c as unknown as RulersAssertionConfig;
}

function inputText(source: string, output: string, ctx: PromptfooContext): unknown {
  if (source === "output") return output;
  if (source === "prompt") return ctx.prompt ?? "";
  if (source.startsWith("vars.")) return ctx.vars?.[source.slice(5)];
  throw new RulersError(`input source \`${source}\` must be output, prompt or vars.NAME`, { code: "usage" });
}

/** The row a promptfoo test case becomes: every rubric input filled from the mapping. */
export function rowFor(bundle: Bundle, output: string, ctx: PromptfooContext, map: Record<string, string> = {}) {
  const row: Record<string, unknown> = { id: "promptfoo" };
  for (const input of bundle.body.rubric.inputs) {
    const source = map[input.name] ?? (ctx.vars && input.name in ctx.vars ? `vars.${input.name}` : "output");
    const value = inputText(source, output, ctx);
    if (value === undefined)
      throw new RulersError(`rubric input \`${input.name}\` comes from \`${source}\`, which this test does not set`, {
        code: "usage",
      });
    row[input.name] = value;
  }
  return row;
}

/** 0..1 on the rubric's scale, so promptfoo thresholds mean the same across rubrics. */
export function unitScore(bundle: Bundle, value: number): number {
  const scale = bundle.body.rubric.scale;
  if (scale.kind !== "numeric") return value;
  return scale.max === scale.min ? 1 : (value - scale.min) / (scale.max - scale.min);
}

export function gradingResult(bundle: Bundle, record: RunRecord, threshold: number): PromptfooGradingResult {
  const metadata: Record<string, unknown> = {
    bundle: `${record.bundle.id}@${record.bundle.version}`,
    bundle_hash: record.bundle.hash,
    judge_model: record.judge?.model ?? null,
    evidence: (record.criteria ?? []).flatMap((c) => c.evidence.map((e) => ({ criterion: c.id, ...e }))),
    flags: record.flags,
  };
  const tokens = record.usage
    ? {
        prompt: record.usage.prompt_tokens,
        completion: record.usage.completion_tokens,
        total: record.usage.prompt_tokens + record.usage.completion_tokens,
      }
    : undefined;
  if (record.error !== undefined || record.raw_score === null || record.raw_score === undefined)
    return {
      pass: false,
      score: 0,
      reason: `rulers could not score this output: ${record.error ?? "no score"}`,
      metadata,
      ...(tokens ? { tokensUsed: tokens } : {}),
    };
  const value = typeof record.calibrated_score === "number" ? record.calibrated_score : record.raw_score;
  const score = unitScore(bundle, value);
  const components = (record.criteria ?? []).map((c) => {
    const met = c.verdict === "met" || (c.verdict == null && c.status === "ok");
    return {
      pass: met,
      score: met ? 1 : 0,
      reason: `${c.id}: ${c.verdict ?? c.status}${c.rationale ? ` — ${c.rationale}` : ""}`,
    };
  });
  const namedScores: Record<string, number> = {};
  for (const [tag, t] of Object.entries(record.tag_scores ?? {})) if (t.score !== null) namedScores[tag] = t.score;
  return {
    pass: score >= threshold,
    score,
    reason: `${record.bundle.id}@${record.bundle.version}: ${value} on the rubric's scale${
      record.flags.length ? ` (flags: ${record.flags.join(", ")})` : ""
    }`,
    componentResults: components,
    namedScores,
    metadata: { ...metadata, raw_score: record.raw_score, calibrated_score: record.calibrated_score ?? null },
    ...(tokens ? { tokensUsed: tokens } : {}),
  };
}

/** promptfoo's entry point: `(output, context) → GradingResult`. */
export default async function rulersAssertion(output: string, ctx: PromptfooContext): Promise<PromptfooGradingResult> {
  const config = configOf(ctx.config);
  const key = `${config.bundle}\u0000${config.lock ?? ""}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = loadBundle(config.bundle, config.lock !== undefined ? { lock: config.lock } : {});
    bundles.set(key, bundle);
  }
  const options: JudgeOptions = {
    model: config.model,
    progress: false,
    ...(config.baseUrl !== undefined ? { baseURL: config.baseUrl } : {}),
    ...(config.apiKeyEnv !== undefined ? { apiKeyEnv: config.apiKeyEnv } : {}),
    ...(config.calibrator !== undefined ? { calibrator: config.calibrator } : {}),
    ...(config.cache !== undefined ? { cache: config.cache } : {}),
    ...(config.samples !== undefined ? { samples: config.samples } : {}),
  };
  let record: RunRecord | undefined;
  for await (const r of judge(bundle, [rowFor(bundle, output, ctx, config.inputs)], options)) record = r;
  if (!record) throw new RulersError("the judge returned no record", { code: "internal" });
  return gradingResult(bundle, record, config.threshold ?? 0.5);
}
