/**
 * One interface over every judge provider, and the choice of which one a run talks to:
 * `--provider`, or inferred from the base URL's host or the model's name when that is obvious.
 */
import type { Agents } from "../util/http-request.js";
import type { CapabilityTable } from "./capabilities.js";
import type { JudgeCallError } from "./errors.js";
import type { AnswerFormat, ChatRequest, Guided, ProviderAnswer, ProviderName } from "./types.js";

export interface Provider {
  readonly name: ProviderName;
  /** Where the calls go, as errors and records show it. */
  readonly baseURL: string;
  /** No key was given or found in the environment (a placeholder is sent). */
  readonly keyMissing: boolean;
  readonly format: AnswerFormat;
  /** The request in this provider's dialect, as handed to its SDK (tests, batch files, estimates). */
  body(request: ChatRequest): Record<string, unknown>;
  /** One call; rejects with the SDK's own error, which `describe` turns into a JudgeCallError. */
  send(request: ChatRequest, signal?: AbortSignal): Promise<ProviderAnswer>;
  /**
   * The same call, counting its own HTTP attempts (so the caller needs no `fetch` hook); its
   * errors carry `attempts` too. Adapters that send through `fetch` leave it out.
   */
  sendCounted?(request: ChatRequest, signal?: AbortSignal): Promise<{ answer: ProviderAnswer; attempts: number }>;
  describe(err: unknown, attempts: number): JudgeCallError;
  /** The error `send` would raise for an aborted call, for a call cancelled before it started. */
  abortError(): Error;
}

export interface ProviderOptions {
  readonly baseURL?: string | undefined;
  readonly apiKey?: string | undefined;
  /** The variable the key came from, for the 401 hint. */
  readonly keyEnv?: string | undefined;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /** The transport (keep-alive, counting attempts); every adapter sends through it. */
  readonly fetch: typeof fetch;
  /**
   * Keep-alive agents for adapters that can post directly (OpenAI), given when the caller did
   * not supply a `fetch` of its own; a supplied `fetch` is always what calls go through.
   */
  readonly agents?: Agents | undefined;
  readonly format: AnswerFormat;
  readonly guided?: Guided | undefined;
  readonly capabilities: CapabilityTable;
}

/** The environment variable each provider's key is read from by default. */
export const KEY_ENV: Record<ProviderName, string> = {
  openai: "OPENAI_API_KEY",
  "openai-compatible": "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
  gemini: "GEMINI_API_KEY",
};

/** The provider a base URL or model name points to, when that is obvious. */
export function inferProvider(baseURL: string | undefined, model: string | undefined): ProviderName {
  if (baseURL) {
    let host = "";
    try {
      host = new URL(baseURL).host;
    } catch {
      return "openai-compatible";
    }
    if (host === "api.openai.com") return "openai";
    if (host === "api.anthropic.com") return "anthropic";
    if (host === "generativelanguage.googleapis.com") return "gemini";
    return "openai-compatible";
  }
  if (model && /^claude-/i.test(model)) return "anthropic";
  if (model && /^gemini-/i.test(model)) return "gemini";
  const env = process.env.OPENAI_BASE_URL;
  return env && !/\/\/api\.openai\.com/.test(env) ? "openai-compatible" : "openai";
}
