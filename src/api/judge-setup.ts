/**
 * The settings every judging path shares, checked before any call: which provider, how the
 * answer is constrained, what the model accepts, reasoning overrides, and prices. A setting a
 * model rejects, a schema the provider cannot express or an unreadable prices file is a
 * RulersError; notes (a loosened schema, a model without a price) go to `warn`.
 */
import type { Bundle } from "../bundle/types.js";
import { REASONING_EFFORTS } from "../compile/rules/setting-values.js";
import type { JudgeSettings } from "../execute/index.js";
import { requestSchema } from "../judge/answer.js";
import { Budget } from "../judge/budget.js";
import { type ClientOptions, createJudgeClient, type JudgeClient } from "../judge/client.js";
import {
  type AnswerFormat,
  CapabilitiesError,
  type CapabilityTable,
  capabilityTable,
  checkImages,
  checkSettings,
  GUIDED,
  type Guided,
  inferProvider,
  PROVIDERS,
  type PriceList,
  PricesError,
  type ProviderName,
  priceList,
  readCapabilities,
  readPrices,
  SchemaDialectError,
  type SchemaNote,
  translateSchema,
} from "../provider/index.js";
import { RulersError } from "../util/errors.js";

export interface ProviderSetup {
  readonly provider: ProviderName;
  readonly format: AnswerFormat;
  readonly guided: Guided | undefined;
  readonly capabilities: CapabilityTable;
  readonly reasoning_effort: string | undefined;
  readonly reasoning_budget: number | undefined;
  readonly overrides: Record<string, unknown>;
  readonly prices: PriceList;
}

/** Settings by their CLI names (`provider`, `format`, `reasoning-effort`, …), as strings. */
type Values = Record<string, unknown>;
type Warn = (message: string) => void;

/** The library's provider options (`judge()`, `batchSettings()`), under the names they share. */
export interface ProviderOptionValues {
  readonly provider?: string | undefined;
  readonly format?: string | undefined;
  readonly guided?: string | undefined;
  readonly capabilities?: string | undefined;
  readonly reasoningEffort?: string | undefined;
  readonly reasoningBudget?: number | "off" | undefined;
  readonly prices?: string | undefined;
  readonly baseURL?: string | undefined;
}

/** Library options as the settings `providerSetup` reads, by their CLI names; unset ones left out. */
export function providerValues(o: ProviderOptionValues): Values {
  const values: Values = {};
  const named: [string, unknown][] = [
    ["provider", o.provider],
    ["format", o.format],
    ["guided", o.guided],
    ["capabilities", o.capabilities],
    ["reasoning-effort", o.reasoningEffort],
    ["reasoning-budget", o.reasoningBudget === undefined ? undefined : String(o.reasoningBudget)],
    ["prices", o.prices],
    ["base-url", o.baseURL],
  ];
  for (const [name, value] of named) if (value !== undefined) values[name] = value;
  return values;
}

export function providerSetup(values: Values, bundle: Bundle, models: readonly string[], warn: Warn): ProviderSetup {
  const ir = bundle.body.rubric;
  const baseURL = values["base-url"] as string | undefined;
  const p = values.provider as string | undefined;
  if (p !== undefined && !PROVIDERS.includes(p as ProviderName))
    throw new RulersError(`\`--provider\` must be one of ${PROVIDERS.join(", ")}, got \`${p}\``);
  const provider = (p as ProviderName | undefined) ?? inferProvider(baseURL, models[0]);
  if (p === undefined && baseURL === undefined) {
    // One run talks to one provider: a panel across providers is judged one provider at a time.
    const others = models.filter((m) => inferProvider(undefined, m) !== provider);
    if (others.length)
      throw new RulersError(
        `the models belong to different providers (${models.map((m) => `\`${m}\` → ${inferProvider(undefined, m)}`).join(", ")}); a run talks to one provider: judge each provider's models in its own run, or give --provider and --base-url for a gateway that serves them all`,
      );
  }
  let capabilities: CapabilityTable;
  let prices: PriceList;
  try {
    capabilities = capabilityTable(values.capabilities ? readCapabilities(values.capabilities as string) : []);
    prices = values.prices ? readPrices(values.prices as string) : priceList();
  } catch (err) {
    if (err instanceof CapabilitiesError || err instanceof PricesError) throw new RulersError(err.message);
    throw err;
  }
  const f = values.format as string | undefined;
  if (f !== undefined && f !== "json_schema" && f !== "tools" && f !== "json")
    throw new RulersError(`\`--format\` must be json_schema, tools or json, got \`${f}\``);
  // Without --format, the model's best way (a forced tool call for models without native schemas).
  const kind = capabilities.lookup(models[0] ?? "").structured;
  const format: AnswerFormat =
    (f as AnswerFormat | undefined) ?? (kind === "tools" ? "tools" : kind === "json" ? "json" : "json_schema");
  const g = values.guided as string | undefined;
  if (g !== undefined && !GUIDED.includes(g as Guided))
    throw new RulersError(`\`--guided\` must be one of ${GUIDED.join(", ")}, got \`${g}\``);
  if (g !== undefined && provider !== "openai-compatible")
    throw new RulersError(`\`--guided ${g}\` is for OpenAI-compatible servers; this run talks to ${provider}`);

  const overrides: Record<string, unknown> = {};
  let effort = ir.judge.reasoning_effort;
  let effortFrom = "the rubric's judge block";
  const e = values["reasoning-effort"] as string | undefined;
  if (e !== undefined) {
    if (e !== "off" && !REASONING_EFFORTS.includes(e))
      throw new RulersError(
        `\`--reasoning-effort\` must be off or one of ${REASONING_EFFORTS.join(", ")}, got \`${e}\``,
      );
    effort = e === "off" ? undefined : e;
    effortFrom = "--reasoning-effort";
    if (effort !== ir.judge.reasoning_effort) overrides.reasoning_effort = effort ?? null;
  }
  let budget = ir.judge.reasoning_budget;
  let budgetFrom = "the rubric's judge block";
  const b = values["reasoning-budget"] as string | undefined;
  if (b !== undefined) {
    const n = Number(b);
    if (b !== "off" && !(Number.isInteger(n) && n >= 1))
      throw new RulersError(`\`--reasoning-budget\` must be off or a positive whole number of tokens, got \`${b}\``);
    budget = b === "off" ? undefined : n;
    budgetFrom = "--reasoning-budget";
    if (budget !== ir.judge.reasoning_budget) overrides.reasoning_budget = budget ?? null;
  }
  const problems = models.flatMap((m) =>
    checkSettings(capabilities, m, {
      reasoning_effort: effort,
      reasoning_budget: budget,
      effortFrom,
      budgetFrom,
    }),
  );
  problems.push(
    ...checkImages(
      capabilities,
      models,
      ir.inputs.filter((i) => i.kind === "image").map((i) => i.name),
    ),
  );
  if (problems.length) throw new RulersError(problems.join("\n"));
  for (const m of models) {
    if (!capabilities.lookup(m).temperature && ir.judge.temperature !== 0)
      warn(`note: model \`${m}\` takes no temperature; the rubric's temperature ${ir.judge.temperature} is not sent`);
  }
  checkSchema(bundle, provider, format, models, capabilities, warn);
  return {
    provider,
    format,
    guided: g as Guided | undefined,
    capabilities,
    reasoning_effort: effort,
    reasoning_budget: budget,
    overrides,
    prices,
  };
}

/** The bundle's schema in the provider's dialect, before any call: refused with its path, or loosened with a note. */
function checkSchema(
  bundle: Bundle,
  provider: ProviderName,
  format: AnswerFormat,
  models: readonly string[],
  capabilities: CapabilityTable,
  warn: Warn,
): void {
  if (format === "json") return;
  const schema = requestSchema(bundle.body.answer_schema, bundle.body.rubric);
  const dialects = new Set(
    models.map((m) =>
      provider === "anthropic"
        ? "anthropic"
        : provider === "gemini"
          ? format === "json_schema" && capabilities.lookup(m).structured === "openapi"
            ? "gemini-openapi"
            : "gemini"
          : "openai",
    ),
  );
  for (const d of dialects) {
    let loosened: readonly SchemaNote[];
    try {
      loosened = translateSchema(schema, d as never).loosened;
    } catch (err) {
      if (err instanceof SchemaDialectError) throw new RulersError(err.message);
      throw err;
    }
    const where = [...new Set(loosened.map((l) => `\`${l.keyword}\` at ${l.path}`))];
    if (where.length)
      warn(
        `note: the provider does not enforce ${where.slice(0, 5).join(", ")} while decoding; answers are still validated against the bundle's schema`,
      );
  }
}

/** Models without a price: warned once; their records carry cost_usd null. */
export function warnUnpriced(
  prices: PriceList,
  models: readonly string[],
  pricesPath: string | undefined,
  warn: Warn,
): string[] {
  const missing = models.filter((m) => prices.lookup(m) === null);
  for (const m of missing)
    warn(
      `warning: no price for model \`${m}\` in ${pricesPath ?? `the shipped list (${prices.date})`}; its cost is recorded as null (add it with --prices)`,
    );
  return missing;
}

/** What a run chooses beyond the provider setup; unset, the rubric's own (samples) or the defaults. */
export interface RunChoices {
  readonly models: readonly string[];
  readonly samples?: number | undefined;
  readonly maxRepairs?: number | undefined;
  readonly maxInputChars?: number | undefined;
}

/**
 * The settings one bundle is judged with: the rubric's judge block under the provider setup.
 * `rulers judge`, `judge()` and `rulers serve` all build them here, so the same flags give the
 * same requests, cache keys and records everywhere.
 */
export function judgeSettings(bundle: Bundle, setup: ProviderSetup, choices: RunChoices): JudgeSettings {
  const j = bundle.body.rubric.judge;
  return {
    models: choices.models,
    temperature: j.temperature,
    samples: choices.samples ?? j.samples,
    seed: j.seed,
    max_tokens: j.max_tokens,
    format: setup.format,
    provider: setup.provider,
    capabilities: setup.capabilities,
    reasoning_effort: setup.reasoning_effort,
    reasoning_budget: setup.reasoning_budget,
    overrides: setup.overrides,
    prices: setup.prices,
    maxRepairs: choices.maxRepairs ?? 1,
    maxInputChars: choices.maxInputChars ?? 200_000,
  };
}

/**
 * A spending cap (`--max-cost` / `maxCost`): refused before any call when a model has no price
 * (the cap could not be kept) or the cap is already spent. `name` is how the caller spells it.
 */
export function budgetFor(capUsd: number, prices: PriceList, models: readonly string[], name: string): Budget {
  const unpriced = models.filter((m) => prices.lookup(m) === null);
  if (unpriced.length)
    throw new RulersError(
      `${name} needs a price for every model; none for ${unpriced.map((m) => `\`${m}\``).join(", ")} (add it with --prices)`,
      { code: "budget" },
    );
  if (!(capUsd > 0))
    throw new RulersError(`${name} ${capUsd}: the budget is already spent; no call can start`, { code: "budget" });
  return new Budget(capUsd, prices);
}

/** Where and how to reach the judge: what differs between `rulers judge`, serve and the library. */
export type Connection = Omit<ClientOptions, "provider" | "format" | "guided" | "capabilities" | "budget">;

/** The judge client for a provider setup; the setup's fields are passed the same way by every caller. */
export function judgeClientFor(setup: ProviderSetup, connection: Connection, budget?: Budget): JudgeClient {
  return createJudgeClient({
    ...connection,
    provider: setup.provider,
    format: setup.format,
    ...(setup.guided ? { guided: setup.guided } : {}),
    capabilities: setup.capabilities,
    ...(budget ? { budget } : {}),
  });
}
