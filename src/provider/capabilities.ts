/**
 * What a model accepts, looked up by name in a small data table (capabilities-data.ts) that
 * users extend with `--capabilities file.json`. The adapters shape every request by it (no
 * temperature to a reasoning model, the right token-limit parameter), and the settings a run
 * asks for are checked against it before the first call.
 */
import { readFileSync } from "node:fs";
import { RulersError } from "../util/errors.js";
import { lazy } from "../util/lazy.js";
import { zodPackage } from "../util/packages.js";
import { DEFAULT_CAPABILITIES } from "./capabilities-data.js";

export interface ModelCapabilities {
  /** Model-name glob; `*` matches any run of characters. */
  readonly match: string;
  /** Accepts a temperature (reasoning models reject any but their default). */
  readonly temperature: boolean;
  /** Which parameter limits the answer's tokens. */
  readonly token_limit: "max_tokens" | "max_completion_tokens" | "max_output_tokens";
  /** Accepted `reasoning effort` values, or null if the model takes none. */
  readonly reasoning_effort: readonly string[] | null;
  /** Accepts a thinking-token budget (Anthropic extended thinking, Gemini thinkingBudget). */
  readonly reasoning_budget: boolean;
  /** Best way to get schema-shaped answers: strict schema, a forced tool call, Gemini's OpenAPI subset, or JSON mode. */
  readonly structured: "json_schema" | "tools" | "openapi" | "json";
  /** `false`: the model is known to take no images; absent: not known, so images are sent. */
  readonly images?: boolean | undefined;
}

const entrySchema = lazy(() => {
  const { z } = zodPackage();
  const Entry = z
    .object({
      match: z.string().min(1),
      temperature: z.boolean(),
      token_limit: z.enum(["max_tokens", "max_completion_tokens", "max_output_tokens"]),
      reasoning_effort: z.array(z.string()).nullable(),
      reasoning_budget: z.boolean(),
      structured: z.enum(["json_schema", "tools", "openapi", "json"]),
      images: z.boolean().optional(),
    })
    .strict();
  return Entry;
});

export class CapabilitiesError extends RulersError {
  override readonly code: string = "capabilities";
}

export interface CapabilityTable {
  lookup(model: string): ModelCapabilities;
}

function globRegex(glob: string): RegExp {
  const escaped = glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "i");
}

export function capabilityTable(extra: readonly ModelCapabilities[] = []): CapabilityTable {
  const entries = [...extra, ...DEFAULT_CAPABILITIES].map((e) => ({ e, re: globRegex(e.match) }));
  const memo = new Map<string, ModelCapabilities>();
  return {
    lookup(model) {
      let found = memo.get(model);
      if (!found) {
        found = entries.find((x) => x.re.test(model))?.e ?? DEFAULT_CAPABILITIES[DEFAULT_CAPABILITIES.length - 1]!;
        memo.set(model, found);
      }
      return found;
    },
  };
}

/** A user's capabilities file: a JSON array of entries (or `{ "models": [...] }`), checked with positions. */
export function readCapabilities(path: string): ModelCapabilities[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CapabilitiesError(`cannot read capabilities \`${path}\`: ${(err as Error).message}`);
  }
  const list = Array.isArray(json) ? json : (json as { models?: unknown })?.models;
  if (!Array.isArray(list))
    throw new CapabilitiesError(`${path}: expected a JSON array of model entries (or {"models": [...]})`);
  return list.map((e, i) => {
    const r = entrySchema().safeParse(e);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new CapabilitiesError(
        `${path}: entry ${i + 1}${issue.path.length ? `, field \`${issue.path.join(".")}\`` : ""}: ${issue.message}`,
      );
    }
    return r.data;
  });
}

/** Models of the run known to take no images, when the rubric has image inputs. */
export function checkImages(
  table: CapabilityTable,
  models: readonly string[],
  imageInputs: readonly string[],
): string[] {
  if (imageInputs.length === 0) return [];
  return models
    .filter((m) => table.lookup(m).images === false)
    .map(
      (m) =>
        `model \`${m}\` takes no images, but the rubric's input${imageInputs.length > 1 ? "s" : ""} ${imageInputs.map((i) => `\`${i}\``).join(", ")} ${imageInputs.length > 1 ? "are images" : "is an image"}; judge with a vision model, or describe the model in a --capabilities file with "images": true`,
    );
}

/** What a run asks of a model, checked before any call. */
export interface ReasoningAsk {
  readonly reasoning_effort?: string | undefined;
  readonly reasoning_budget?: number | undefined;
  /** Where the setting came from, for the message: "the rubric's judge block" or "--reasoning-effort". */
  readonly effortFrom?: string;
  readonly budgetFrom?: string;
}

/** Problems with asking `model` for these settings, each saying which setting and how to override. */
export function checkSettings(table: CapabilityTable, model: string, ask: ReasoningAsk): string[] {
  const caps = table.lookup(model);
  const out: string[] = [];
  const fix = "or describe the model in a --capabilities file";
  if (ask.reasoning_effort !== undefined) {
    if (caps.reasoning_effort === null)
      out.push(
        `model \`${model}\` does not accept \`reasoning effort\` (set by ${ask.effortFrom ?? "the rubric"}); pass --reasoning-effort off to leave it out, ${fix}`,
      );
    else if (!caps.reasoning_effort.includes(ask.reasoning_effort))
      out.push(
        `model \`${model}\` does not accept reasoning effort \`${ask.reasoning_effort}\` (set by ${ask.effortFrom ?? "the rubric"}); it takes ${caps.reasoning_effort.join(", ")}; override with --reasoning-effort, ${fix}`,
      );
  }
  if (ask.reasoning_budget !== undefined && !caps.reasoning_budget)
    out.push(
      `model \`${model}\` does not accept a reasoning token budget (set by ${ask.budgetFrom ?? "the rubric"}); pass --reasoning-budget off to leave it out, ${fix}`,
    );
  return out;
}
