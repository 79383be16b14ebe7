/**
 * Judging one row: every call the rubric asks for (models × samples × orders), each answer
 * validated and repaired at most a bounded number of times, every quote verified, each
 * judgment scored, and the judgments combined into one record. Nothing here guesses: an item
 * whose answers never validate is recorded as failed, with the reason.
 */
import type { Bundle } from "../bundle/types.js";
import type { CriterionIR, ItemCriterionIR, RubricIR } from "../compile/ir.js";
import { expandItemCriterion, itemCriteria } from "../compile/items.js";
import { type EvidenceText, prepareConversation, prepareText, verifyEvidence } from "../evidence/index.js";
import { checkAnswer, type JudgedCriterion, type ParsedAnswer, requestSchema } from "../judge/answer.js";
import type { Cache } from "../judge/cache.js";
import { cacheKey } from "../judge/cache.js";
import {
  type ChatRequest,
  type Completion,
  complete,
  JudgeCallError,
  type JudgeClient,
  jsonObjectFormat,
  jsonSchemaFormat,
} from "../judge/client.js";
import { appendText, type Message, renderPrompt } from "../judge/prompt.js";
import {
  type AnswerFormat,
  type CapabilityTable,
  type PriceList,
  type ProviderName,
  roundUsd,
} from "../provider/index.js";
import type { CriterionRecord, RunRecord } from "../record/index.js";
import {
  applyEvidencePolicy,
  type BreakdownEntry,
  type CheckResult,
  type CriterionOutcome,
  combineJudgments,
  combineOrders,
  type Fired,
  preferenceOf,
  preferenceScore,
  runCheck,
  type Spread,
  scoreHolistic,
  scoreItem,
  strictMajority,
  tagScores,
  unswap,
} from "../score/index.js";
import { conversationJson, parseConversation, type Turn } from "../util/conversation.js";
import { RulersError } from "../util/errors.js";
import { extend } from "../util/extend.js";
import { parseImage } from "../util/image.js";
import { promptSha256 } from "./prompt-hash.js";

export interface JudgeSettings {
  readonly models: readonly string[];
  readonly temperature: number;
  readonly samples: number;
  readonly seed: number | null;
  readonly max_tokens: number | null;
  readonly format: AnswerFormat;
  readonly maxRepairs: number;
  readonly maxInputChars: number;
  /** The rubric's `reasoning effort` / `reasoning budget`, or their command-line overrides. */
  readonly reasoning_effort?: string | undefined;
  readonly reasoning_budget?: number | undefined;
  /** Settings the command line changed from the rubric's, recorded in each record's `judge`. */
  readonly overrides?: Readonly<Record<string, unknown>> | undefined;
  /** Which provider answers (default openai); part of the cache key when not OpenAI's dialect. */
  readonly provider?: ProviderName | undefined;
  /** What the models accept (batch files are written in the provider's dialect by it). */
  readonly capabilities?: CapabilityTable | undefined;
  /** Prices for `cost_usd`; without them records carry no cost. */
  readonly prices?: PriceList | undefined;
}

export interface ItemContext {
  readonly bundle: Bundle;
  readonly client: JudgeClient;
  readonly cache: Cache;
  readonly settings: JudgeSettings;
  readonly stats: RunStats;
  /**
   * Batch ingest: answers come from the provider's output files, looked up by what the request
   * was (item, model, sample, order); the judge is never called.
   */
  readonly answers?: AnswerSource;
  /** What records name as `judge.base_url_host` when it is not the client's (batch results). */
  readonly host?: string;
}

export type AnswerSource = (q: {
  itemId: string;
  model: string;
  sample: number;
  swapped: boolean;
  /** `each criterion separately`: which criterion's call. */
  criterion?: string | undefined;
}) => Completion | { error: string } | undefined;

/**
 * One request of a judgment: the single call for all criteria, or, under `each criterion
 * separately`, the call for one criterion (its prompt and a schema that admits only it).
 */
export interface JudgmentPart {
  readonly criterion: string | null;
  readonly messages: Message[];
  readonly schema: Record<string, unknown>;
  readonly items: readonly ItemCriterionIR[] | undefined;
}

const narrowed = new WeakMap<object, Map<string, Record<string, unknown>>>();
/** The answer schema admitting one criterion of a fixed-criteria rubric; one object per (schema, id). */
function oneCriterionSchema(schema: Record<string, unknown>, id: string): Record<string, unknown> {
  let m = narrowed.get(schema);
  if (!m) {
    m = new Map();
    narrowed.set(schema, m);
  }
  let s = m.get(id);
  if (!s) {
    const crit = (schema.properties as Record<string, { properties: Record<string, unknown> }>).criteria!;
    s = {
      ...schema,
      properties: {
        criteria: { ...crit, required: [id], properties: { [id]: crit.properties[id] } },
      },
    };
    m.set(id, s);
  }
  return s;
}

/** The requests one judgment (one model, sample and order) is made of. */
export function judgmentParts(
  bundle: Bundle,
  inputs: Readonly<Record<string, string>>,
  swapped: boolean,
  items: readonly ItemCriterionIR[] | undefined,
  format: AnswerFormat,
): { parts: JudgmentPart[]; shown: Record<string, string>; messages: Message[] } {
  const ir = bundle.body.rubric;
  const render = (only: readonly ItemCriterionIR[] | undefined, schema: Record<string, unknown>) =>
    renderPrompt(bundle, inputs, {
      swapped,
      ...(only ? { criteria: only } : {}),
      ...(format === "json" ? { schemaHint: schema } : {}),
    });
  const schema = requestSchema(bundle.body.answer_schema, ir, items);
  const whole = render(items, schema);
  if (!ir.judge.per_criterion)
    return {
      parts: [{ criterion: null, messages: whole.messages, schema, items }],
      shown: whole.shown,
      messages: whole.messages,
    };
  const parts: JudgmentPart[] = [];
  if (items) {
    // Per-item criteria: each call's prompt lists only its criterion, as HealthBench's grader asks.
    for (const item of items) {
      const one = requestSchema(bundle.body.answer_schema, ir, [item]);
      parts.push({ criterion: item.id, messages: render([item], one).messages, schema: one, items: [item] });
    }
  } else {
    for (const c of ir.criteria) {
      const one = oneCriterionSchema(schema, c.id);
      const base = format === "json" ? render(undefined, one).messages : whole.messages;
      const last = base[base.length - 1]!;
      const messages = [...base.slice(0, -1), appendText(last, `\n\nJudge only criterion \`${c.id}\` in this answer.`)];
      parts.push({ criterion: c.id, messages, schema: one, items: undefined });
    }
  }
  return { parts, shown: whole.shown, messages: whole.messages };
}

export interface RunStats {
  calls: number;
  cached: number;
  retries: number;
  repairs: number;
  prompt_tokens: number;
  completion_tokens: number;
  evidence_verified: number;
  evidence_rejected: number;
  models: Set<string>;
  fingerprints: Set<string>;
}

/** A problem with the row itself: reported with its line, never sent to the judge. */
export class RowError extends RulersError {
  override readonly code: string = "row";
}

export function rowInputs(
  ir: RubricIR,
  row: Record<string, unknown>,
  maxChars: number,
): { inputs: Record<string, string>; flags: string[]; conversations: Map<string, readonly Turn[]> } {
  const inputs: Record<string, string> = {};
  const flags: string[] = [];
  // Parsed turns by their canonical text, so evidence location need not parse them again.
  const conversations = new Map<string, readonly Turn[]>();
  for (const i of ir.inputs) {
    const v = row[i.name];
    if (v === undefined || v === null) throw new RowError(`missing input \`${i.name}\``);
    if (i.kind === "image") {
      // Images are bounded by MAX_IMAGE_BYTES, not by the text limit.
      const img = parseImage(v);
      if (!img.ok) throw new RowError(`image input \`${i.name}\` ${img.error}`);
      inputs[i.name] = img.image.url;
      continue;
    }
    let text: string;
    if (i.kind === "conversation") {
      const c = parseConversation(v);
      if (!c.ok) throw new RowError(`conversation input \`${i.name}\` ${c.error}`);
      text = conversationJson(c.turns);
      conversations.set(text, c.turns);
    } else
      text =
        typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
    if (text.length > maxChars)
      throw new RowError(`input \`${i.name}\` is ${text.length} characters, over --max-input-chars ${maxChars}`);
    if (text.trim() === "") flags.push(`empty-input:${i.name}`);
    inputs[i.name] = text;
  }
  return { inputs, flags, conversations };
}

export function criteriaFor(
  bundle: Bundle,
  row: Record<string, unknown>,
  itemId: string,
): { criteria: CriterionIR[]; items?: ItemCriterionIR[] } {
  const ir = bundle.body.rubric;
  if (!ir.template) return { criteria: [...ir.criteria] };
  let items = bundle.body.items?.[itemId];
  if (!items) {
    if (bundle.body.items) throw new RowError(`item \`${itemId}\` is not among the items compiled into this bundle`);
    const r = itemCriteria(ir.template, row[ir.template.field]);
    if (r.problems.length) throw new RowError(r.problems.join("; "));
    items = r.criteria;
  }
  return { criteria: [...ir.criteria, ...items.map((c) => expandItemCriterion(ir.template!, c))], items: [...items] };
}

const formats = new WeakMap<object, Record<string, unknown>>();

/** One response_format object per schema, so hashing and the SDK see the same object each call. */
function responseFormat(format: AnswerFormat, schema: Record<string, unknown>): Record<string, unknown> {
  if (format === "json") return JSON_OBJECT;
  let f = formats.get(schema);
  if (!f) {
    f = jsonSchemaFormat("judgment", schema);
    formats.set(schema, f);
  }
  return f;
}
const JSON_OBJECT = jsonObjectFormat();

interface Judgment {
  readonly answer: ParsedAnswer;
  readonly completion: Completion;
  readonly swapped: boolean;
}

type CallOutcome = { ok: true; judgment: Judgment } | { ok: false; reason: string };

/**
 * The one place a judge request and its cache key are made: `rulers judge` and
 * `rulers batch prepare` both call it, so a batch holds exactly the requests a run would send.
 */
export function requestFor(
  bundleHash: string,
  s: JudgeSettings,
  messages: Message[],
  model: string,
  sample: number,
  schema: Record<string, unknown>,
  tag: string,
): { request: ChatRequest; readonly key: string } {
  const response_format = responseFormat(s.format, schema);
  const seed = s.seed === null ? undefined : s.seed + sample;
  const request: ChatRequest = {
    model,
    messages,
    temperature: s.temperature,
    seed,
    max_tokens: s.max_tokens ?? undefined,
    response_format,
    ...(s.reasoning_effort !== undefined ? { reasoning_effort: s.reasoning_effort } : {}),
    ...(s.reasoning_budget !== undefined ? { reasoning_budget: s.reasoning_budget } : {}),
  };
  // Only what differs from the original request shape joins the key, so older caches still hit.
  const extra: Record<string, unknown> = {};
  if (s.reasoning_effort !== undefined) extra.reasoning_effort = s.reasoning_effort;
  if (s.reasoning_budget !== undefined) extra.reasoning_budget = s.reasoning_budget;
  if (s.format === "tools") extra.format = "tools";
  if (s.provider === "anthropic" || s.provider === "gemini") extra.provider = s.provider;
  // The sample index and tag are in the key, so K samples are K calls, and a retry is new.
  return new PlannedRequest(request, {
    bundle_hash: bundleHash,
    model,
    settings: { temperature: s.temperature, seed: seed ?? null, max_tokens: s.max_tokens, sample, tag, ...extra },
    messages,
    response_format,
  });
}

/**
 * A request and its cache key, computed on first use: `batch prepare` writes requests and never
 * needs the key. A class, because a getter in an object literal puts every such object (one per
 * call) into dictionary mode.
 */
class PlannedRequest {
  #key: string | undefined;
  constructor(
    readonly request: ChatRequest,
    private readonly keyParts: Parameters<typeof cacheKey>[0],
  ) {}
  get key(): string {
    this.#key ??= cacheKey(this.keyParts);
    return this.#key;
  }
}

async function call(
  ctx: ItemContext,
  itemId: string,
  messages: Message[],
  model: string,
  sample: number,
  schema: Record<string, unknown>,
  items: readonly ItemCriterionIR[] | undefined,
  tag: string,
  criterion: string | null = null,
): Promise<{ result: CallOutcome; completions: Completion[] }> {
  const s = ctx.settings;
  let completions: Completion[] = [];
  let convo = messages;
  // A failure read back whole from the cache is never final: the item is asked again, past the
  // cache (the new answers replace the old), so one bad answer cannot fail an item forever.
  let fresh = false;
  let fromCache = !ctx.answers;
  const retryFresh = () => {
    if (!fromCache || fresh) return false;
    fresh = true;
    completions = [];
    convo = messages;
    return true;
  };
  for (let repair = 0; ; repair++) {
    const planned = requestFor(ctx.bundle.hash, s, convo, model, sample, schema, tag);
    let c: Completion | undefined;
    if (ctx.answers) {
      // Ingesting batch results: only first attempts were in the batch; nothing is ever sent.
      const got =
        repair === 0 && (tag === "" || tag === "swapped")
          ? ctx.answers({ itemId, model, sample, swapped: tag === "swapped", criterion: criterion ?? undefined })
          : undefined;
      if (got === undefined)
        return {
          result: {
            ok: false,
            reason: `no batch result for this request (${tag || "first order"}, sample ${sample}${repair ? `, repair ${repair}` : ""}); prepare a follow-up batch with --retry-from`,
          },
          completions,
        };
      if ("error" in got)
        return { result: { ok: false, reason: `the batch request failed: ${got.error}` }, completions };
      c = got;
      // Filling an on-disk cache lets a later interactive run reuse the answer.
      if (ctx.cache.path !== null) await ctx.cache.put(planned.key, c);
    } else {
      c = fresh ? undefined : ctx.cache.get(planned.key);
      if (!c) fromCache = false;
    }
    const { request, key } = planned;
    if (c) {
      if (!ctx.answers) ctx.stats.cached++;
    } else {
      try {
        c = await complete(ctx.client, request);
      } catch (err) {
        // A call that failed after its retries still made them: the summary counts every attempt.
        if (err instanceof JudgeCallError) {
          ctx.stats.calls++;
          ctx.stats.retries += err.attempts - 1;
        }
        throw err;
      }
      await ctx.cache.put(key, c);
      ctx.stats.calls++;
      ctx.stats.retries += c.attempts - 1;
    }
    completions.push(c);
    ctx.stats.prompt_tokens += c.usage.prompt_tokens;
    ctx.stats.completion_tokens += c.usage.completion_tokens;
    ctx.stats.models.add(c.model);
    if (c.system_fingerprint) ctx.stats.fingerprints.add(c.system_fingerprint);
    if ((c.refusal || c.finish_reason === "length") && retryFresh()) {
      repair = -1;
      continue;
    }
    if (c.refusal)
      return { result: { ok: false, reason: `the judge refused: ${c.refusal.slice(0, 200)}` }, completions };
    if (c.finish_reason === "length")
      return {
        result: { ok: false, reason: "the answer was cut off (finish_reason length); raise the rubric's `max tokens`" },
        completions,
      };
    const checked = checkAnswer(c.content, schema, items);
    if (checked.ok)
      return { result: { ok: true, judgment: { answer: checked.answer, completion: c, swapped: false } }, completions };
    if (repair >= s.maxRepairs && retryFresh()) {
      repair = -1;
      continue;
    }
    if (repair >= s.maxRepairs)
      return {
        result: { ok: false, reason: `${checked.reason} (after ${repair} repair${repair === 1 ? "" : "s"})` },
        completions,
      };
    ctx.stats.repairs++;
    convo = [
      ...convo,
      { role: "assistant", content: c.content ?? "" },
      {
        role: "user",
        content: `Your answer could not be used: ${checked.reason}. Answer again with one JSON object that satisfies the schema exactly.`,
      },
    ];
  }
}

/** A judgment from its parts: one call, or one per criterion merged into one answer (any failure fails it). */
async function judgeParts(
  ctx: ItemContext,
  itemId: string,
  parts: readonly JudgmentPart[],
  model: string,
  sample: number,
  tag: string,
): Promise<{ result: CallOutcome; completions: Completion[] }> {
  if (parts.length === 1 && parts[0]!.criterion === null)
    return call(ctx, itemId, parts[0]!.messages, model, sample, parts[0]!.schema, parts[0]!.items, tag);
  // The calls of one judgment go out together; the call slots bound how many run at once.
  const outcomes = await Promise.all(
    parts.map((p) => call(ctx, itemId, p.messages, model, sample, p.schema, p.items, tag, p.criterion)),
  );
  const completions = outcomes.flatMap((o) => o.completions);
  const criteria = new Map<string, JudgedCriterion>();
  let first: Judgment | null = null;
  for (const [i, o] of outcomes.entries()) {
    if (!o.result.ok)
      return { result: { ok: false, reason: `criterion \`${parts[i]!.criterion}\`: ${o.result.reason}` }, completions };
    first ??= o.result.judgment;
    for (const [id, c] of o.result.judgment.answer.criteria) criteria.set(id, c);
  }
  return { result: { ok: true, judgment: extend(first!, { answer: { criteria } }) }, completions };
}

interface Scored {
  outcomes: Map<string, CriterionOutcome>;
  breakdown?: BreakdownEntry[];
  raw_score: number | null;
  preferred?: "A" | "B" | "tie";
  reason?: string;
  criteria: CriterionRecord[];
  caps: Fired[];
  gates: Fired[];
  evidenceFailed: string[];
}

const referenceNames = new WeakMap<RubricIR, string[]>();
/** The rubric's reference inputs: quotes found only there are refused as evidence. */
function references(ir: RubricIR): string[] {
  let r = referenceNames.get(ir);
  if (!r) {
    r = ir.inputs.filter((i) => i.kind === "reference").map((i) => i.name);
    referenceNames.set(ir, r);
  }
  return r;
}

function mapInput(ir: RubricIR, name: string, swapped: boolean): string {
  if (!swapped || ir.mode.kind !== "pairwise") return name;
  const [a, b] = ir.mode.compare;
  return name === a ? b : name === b ? a : name;
}

function flipVerdict(v: JudgedCriterion["verdict"], swapped: boolean): JudgedCriterion["verdict"] {
  return swapped && (v === "A" || v === "B" || v === "tie") ? unswap(v) : v;
}

/** Verify evidence and score one judgment, in the original (unswapped) labels. */
function scoreJudgment(
  ctx: ItemContext,
  j: Judgment,
  criteria: readonly CriterionIR[],
  shown: Record<string, EvidenceText>,
  checks: CheckResult[],
  retried: boolean,
): Scored {
  const ir = ctx.bundle.body.rubric;
  const outcomes = new Map<string, CriterionOutcome>();
  const records: CriterionRecord[] = [];
  const caps: Fired[] = [];
  const evidenceFailed: string[] = [];
  const holisticRule = {
    from: ir.inputs.filter((i) => i.quotable).map((i) => i.name),
    max_words: null,
    min_quotes: 0,
    max_quotes: null,
  };
  const judgedList: [CriterionIR | null, string, JudgedCriterion][] = criteria.length
    ? criteria.map((c) => [c, c.id, j.answer.criteria.get(c.id)!] as [CriterionIR, string, JudgedCriterion])
    : [[null, "overall", j.answer.criteria.get("overall")!]];
  for (const [c, id, judged] of judgedList) {
    if (!judged) continue;
    const rule = c?.evidence ?? holisticRule;
    const ev = verifyEvidence(
      judged.evidence.map((e) => ({ quote: e.quote, input: e.input })),
      shown,
      rule,
      { fuzzyThreshold: ir.judge.quote_match },
      { references: references(ir) },
    );
    // Offsets refer to the text the judge saw; in the swapped order that is the other input.
    const evidence = ev.entries.map((e) =>
      extend(e, { input: e.input === null ? null : mapInput(ir, e.input, j.swapped) }),
    );
    ctx.stats.evidence_verified += evidence.filter((e) => e.verified).length;
    ctx.stats.evidence_rejected += evidence.filter((e) => !e.verified).length;
    let status = ev.satisfied ? "ok" : "evidence-unverified";
    if (c) {
      const judgedOutcome: CriterionOutcome = {
        id,
        verdict: judged.verdict === undefined ? null : (flipVerdict(judged.verdict, j.swapped) ?? null),
        level: judged.level ?? null,
        evidence_ok: ev.satisfied,
      };
      let o = judgedOutcome;
      const p = applyEvidencePolicy(c, o, retried);
      o = p.outcome;
      if (p.fired) {
        status = `evidence-unverified:${p.fired}`;
        evidenceFailed.push(id);
      }
      if (p.cap) caps.push(p.cap);
      outcomes.set(id, o);
      // What the judge said stays on the record when the policy overrode it (both modes alike).
      const judgedValue = c.kind === "binary" ? (judgedOutcome.verdict ?? null) : (judgedOutcome.level ?? null);
      const finalValue = c.kind === "binary" ? (o.verdict ?? null) : (o.level ?? null);
      records.push({
        id,
        ...(c.kind === "binary" ? { verdict: o.verdict } : { level: o.level }),
        ...(judgedValue !== finalValue
          ? c.kind === "binary"
            ? { judged_verdict: judgedOutcome.verdict ?? null }
            : { judged_level: judgedOutcome.level ?? null }
          : {}),
        rationale: judged.rationale,
        evidence,
        status,
      });
    } else {
      records.push({ id, rationale: judged.rationale, evidence, status });
    }
  }
  if (ir.mode.kind === "pairwise") {
    const preferred = criteria.length
      ? preferenceOf(criteria, outcomes)
      : (flipVerdict(j.answer.preferred, j.swapped) as "A" | "B" | "tie");
    return {
      outcomes,
      raw_score: preferenceScore(preferred),
      preferred,
      criteria: records,
      caps,
      gates: [],
      evidenceFailed,
    };
  }
  const scored = criteria.length
    ? scoreItem(ir, criteria, outcomes, checks, caps)
    : scoreHolistic(ir, j.answer.score ?? NaN, checks);
  return {
    outcomes,
    raw_score: scored.raw_score,
    breakdown: scored.breakdown,
    ...(scored.reason ? { reason: scored.reason } : {}),
    criteria: records,
    caps,
    gates: scored.fired,
    evidenceFailed,
  };
}

export async function judgeItem(
  ctx: ItemContext,
  row: Record<string, unknown>,
  itemId: string,
  line: number,
): Promise<RunRecord> {
  const { bundle, settings } = ctx;
  const ir = bundle.body.rubric;
  const base = { item_id: itemId, line, bundle: { id: ir.id, version: ir.version, hash: bundle.hash } };
  let inputs: Record<string, string>;
  let rowFlags: string[];
  let conversations: Map<string, readonly Turn[]>;
  let criteria: CriterionIR[];
  let items: ItemCriterionIR[] | undefined;
  try {
    ({ inputs, flags: rowFlags, conversations } = rowInputs(ir, row, settings.maxInputChars));
    ({ criteria, items } = criteriaFor(bundle, row, itemId));
  } catch (err) {
    if (err instanceof RowError)
      return extend(base, { raw_score: null, flags: [], error: `row ${line}: ${err.message}` });
    throw err;
  }
  const checks = ir.checks.map((c) => runCheck(c, row));
  const orders = ir.mode.kind === "pairwise" && ir.mode.swap ? [false, true] : [false];
  const prepared = new Map<
    boolean,
    { messages: Message[]; parts: JudgmentPart[]; texts: Record<string, EvidenceText> }
  >();
  const kindOf = new Map(ir.inputs.map((i) => [i.name, i.kind]));
  // Both orders of a swapped pair show the same texts: each is prepared once.
  const preparedTexts = new Map<string, EvidenceText>();
  for (const swapped of orders) {
    const r = judgmentParts(bundle, inputs, swapped, items, settings.format);
    const texts: Record<string, EvidenceText> = {};
    for (const [k, v] of Object.entries(r.shown)) {
      const kind = kindOf.get(k);
      if (kind === "image") continue; // nothing to quote
      // Keyed by the whole text only when a second order could reuse it: hashing an essay per
      // row costs more than anything else in this loop.
      const key = orders.length > 1 ? `${kind === "conversation" ? "c" : "t"}${v}` : "";
      let t = key ? preparedTexts.get(key) : undefined;
      if (!t) {
        const conv = kind === "conversation" ? prepareConversation(conversations.get(v) ?? v) : null;
        t = conv ?? prepareText(v);
        if (key) preparedTexts.set(key, t);
      }
      texts[k] = t;
    }
    prepared.set(swapped, { messages: r.messages, parts: r.parts, texts });
  }
  const failures: string[] = [];
  const completions: Completion[] = [];
  const perJudge: { model: string; sample: number; scored: Scored[] }[] = [];
  for (const model of settings.models) {
    for (let sample = 0; sample < settings.samples; sample++) {
      const scoredOrders: Scored[] = [];
      for (const swapped of orders) {
        const p = prepared.get(swapped)!;
        const first = await judgeParts(ctx, itemId, p.parts, model, sample, swapped ? "swapped" : "");
        completions.push(...first.completions);
        if (!first.result.ok) {
          failures.push(first.result.reason);
          continue;
        }
        let scored = scoreJudgment(ctx, extend(first.result.judgment, { swapped }), criteria, p.texts, checks, false);
        const needsRetry = scored.evidenceFailed.some(
          (id) => criteria.find((c) => c.id === id)?.on_evidence_failure.kind === "retry",
        );
        if (needsRetry) {
          const again = await judgeParts(ctx, itemId, p.parts, model, sample, swapped ? "swapped-retry" : "retry");
          completions.push(...again.completions);
          if (again.result.ok)
            scored = scoreJudgment(ctx, extend(again.result.judgment, { swapped }), criteria, p.texts, checks, true);
        }
        scoredOrders.push(scored);
      }
      if (scoredOrders.length === orders.length) perJudge.push({ model, sample, scored: scoredOrders });
    }
  }
  const usage = completions.reduce(
    (a, c) => ({
      prompt_tokens: a.prompt_tokens + c.usage.prompt_tokens,
      completion_tokens: a.completion_tokens + c.usage.completion_tokens,
    }),
    { prompt_tokens: 0, completion_tokens: 0 },
  );
  const reported = [...new Set(completions.map((c) => c.model))];
  const fingerprints = [
    ...new Set(completions.map((c) => c.system_fingerprint).filter((f): f is string => f !== null)),
  ];
  const judge = {
    base_url_host: ctx.host ?? hostOf(ctx.client.baseURL),
    model:
      reported.length === 1
        ? reported[0]!
        : reported.length
          ? reported
          : settings.models.length === 1
            ? settings.models[0]!
            : [...settings.models],
    requested_model: settings.models.length === 1 ? settings.models[0]! : [...settings.models],
    system_fingerprint: fingerprints.length === 1 ? fingerprints[0]! : fingerprints.length ? fingerprints : null,
    // A model that takes no temperature (reasoning models) was sent none.
    temperature:
      settings.models.every((m) => ctx.client.capabilities.lookup(m).temperature) &&
      !(settings.provider === "anthropic" && settings.reasoning_budget !== undefined)
        ? settings.temperature
        : null,
    seed: settings.seed,
    samples: settings.samples,
    format: settings.format,
    ...(settings.provider ? { provider: settings.provider } : {}),
    ...(settings.reasoning_effort !== undefined ? { reasoning_effort: settings.reasoning_effort } : {}),
    ...(settings.reasoning_budget !== undefined ? { reasoning_budget: settings.reasoning_budget } : {}),
    ...(settings.overrides && Object.keys(settings.overrides).length ? { overrides: { ...settings.overrides } } : {}),
  };
  const prompt_sha256 = promptSha256(prepared.get(false)!.messages);
  const common = extend(base, {
    judge,
    prompt_sha256,
    usage,
    ...(settings.prices ? { cost_usd: costOf(settings.prices, completions, settings.models) } : {}),
    latency_ms: completions.reduce((a, c) => a + c.latency_ms, 0),
    scale: ir.scale,
    checks,
  });
  if (perJudge.length === 0) {
    return extend(common, {
      criteria: [],
      raw_score: null,
      flags: rowFlags,
      error: failures[0] ?? "no judgment",
      ...(failures.length > 1 ? { errors: failures } : {}),
    });
  }
  const flags = [...rowFlags];
  if (failures.length) flags.push(`judgments-failed:${failures.length}`);
  const firstScored = perJudge[0]!.scored[0]!;
  for (const id of firstScored.evidenceFailed) {
    const policy = criteria.find((c) => c.id === id)?.on_evidence_failure.kind;
    if (policy === "flag") flags.push(`evidence-unverified:${id}`);
  }
  if (ir.mode.kind === "pairwise") {
    const mode = ir.mode;
    const prefs = perJudge.map((pj) => {
      if (pj.scored.length === 2) return combineOrders(pj.scored[0]!.preferred!, pj.scored[1]!.preferred!, mode);
      return { preferred: pj.scored[0]!.preferred!, consistent: true, flags: [] as string[] };
    });
    const majority = strictMajority(prefs.map((p) => p.preferred)) ?? "tie";
    const inconsistent = prefs.filter((p) => !p.consistent).length;
    for (const p of prefs) flags.push(...p.flags);
    return extend(common, {
      criteria: firstScored.criteria,
      preferred: majority,
      raw_score: preferenceScore(majority),
      preference: {
        derivation: derivationOf(criteria.length > 0, orders.length, perJudge.length, mode.inconsistent),
        orders: perJudge.flatMap((pj) =>
          pj.scored.map((s, i) => ({
            model: pj.model,
            sample: pj.sample,
            order: i === 0 ? ("AB" as const) : ("BA" as const),
            preferred: s.preferred!,
            criteria: s.criteria,
          })),
        ),
      },
      ...(orders.length === 2
        ? {
            position: {
              consistent: prefs.length - inconsistent,
              inconsistent,
              orders: perJudge.map((pj) => pj.scored.map((s) => s.preferred!)),
            },
          }
        : {}),
      ...(perJudge.length > 1 ? { votes: prefs.map((p) => p.preferred) } : {}),
      flags: [...new Set(flags)],
    });
  }
  const judgments = perJudge.map((pj) => pj.scored[0]!);
  const combined =
    perJudge.length > 1
      ? combineJudgments(
          judgments.map((j) => ({ outcomes: j.outcomes, raw_score: j.raw_score })),
          ir.scale,
          ir.aggregation.rounding,
        )
      : null;
  const criteriaRecords = combined
    ? firstScored.criteria.map((c) => {
        const o = combined.outcomes.get(c.id);
        if (!o) return c;
        const combinedVerdict: { verdict?: CriterionRecord["verdict"]; level?: CriterionRecord["level"] } = {};
        if ("verdict" in c) combinedVerdict.verdict = o.verdict;
        if ("level" in c) combinedVerdict.level = o.level;
        return extend(c, combinedVerdict);
      })
    : firstScored.criteria;
  const raw = combined ? combined.raw_score : firstScored.raw_score;
  const spread: Spread | undefined = combined?.spread;
  // Sub-scores per criterion tag (from the first judgment's breakdown), when criteria carry tags.
  const tagged =
    criteria.some((c) => c.tags.length > 0) && firstScored.breakdown
      ? tagScores(criteria, firstScored.breakdown)
      : null;
  return extend(common, {
    criteria: criteriaRecords,
    raw_score: raw,
    gates: firstScored.gates,
    ...(tagged ? { tag_scores: tagged } : {}),
    ...(spread ? { spread } : {}),
    ...(settings.models.length > 1
      ? {
          panel: {
            models: [...settings.models],
            judgments: perJudge.map((pj) => ({
              model: pj.model,
              sample: pj.sample,
              raw_score: pj.scored[0]!.raw_score,
            })),
          },
        }
      : {}),
    flags,
    ...(raw === null ? { error: firstScored.reason ?? "no score" } : {}),
  });
}

/** What the calls behind a record cost (cache hits included: the judgment's cost, not this run's); null if a model has no price. */
function costOf(prices: PriceList, completions: readonly Completion[], requested: readonly string[]): number | null {
  let usd = 0;
  for (const c of completions) {
    // Priced by the model that answered; a server that reports its own name (a local alias) by the one asked for.
    const cost = prices.cost(c.model, c.usage) ?? (requested.length === 1 ? prices.cost(requested[0]!, c.usage) : null);
    if (cost === null) return null;
    usd += cost;
  }
  return roundUsd(usd);
}

/** How a pairwise record's `preferred` came about, in words, for the record itself. */
function derivationOf(byCriteria: boolean, orders: number, judgments: number, inconsistent: "tie" | "flag"): string {
  const steps = [
    byCriteria
      ? "each order's preference is the weighted criterion vote (A adds |weight|, B subtracts it, ties and fail-closed criteria add nothing; 0 is a tie)"
      : "each order's preference is the judge's overall `preferred`",
  ];
  if (orders === 2)
    steps.push(
      `the swapped order (BA) is mapped back to A/B; both orders agreeing give that side, disagreeing give a tie${inconsistent === "flag" ? " flagged position-inconsistent" : ""}`,
    );
  if (judgments > 1) steps.push(`the ${judgments} judgments' preferences are combined by strict majority, else a tie`);
  return `${steps.join("; ")}.`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export { JudgeCallError };
