import type { ModelCapabilities } from "./capabilities.js";

/**
 * What the shipped table knows, first match wins. Patterns are model-name globs (`*` = any run
 * of characters). Users put their own entries in front with `--capabilities file.json`.
 */
export const DEFAULT_CAPABILITIES: readonly ModelCapabilities[] = [
  // OpenAI reasoning models: no temperature, max_completion_tokens, reasoning_effort.
  {
    match: "gpt-5.1*",
    temperature: false,
    token_limit: "max_completion_tokens",
    reasoning_effort: ["none", "low", "medium", "high"],
    reasoning_budget: false,
    structured: "json_schema",
  },
  {
    match: "gpt-5*-chat*",
    temperature: true,
    token_limit: "max_completion_tokens",
    reasoning_effort: null,
    reasoning_budget: false,
    structured: "json_schema",
  },
  {
    match: "gpt-5*",
    temperature: false,
    token_limit: "max_completion_tokens",
    reasoning_effort: ["minimal", "low", "medium", "high"],
    reasoning_budget: false,
    structured: "json_schema",
  },
  // The small o-series models take text only: an image input is refused before the first call.
  ...["o1-mini*", "o3-mini*"].map(
    (match): ModelCapabilities => ({
      match,
      temperature: false,
      token_limit: "max_completion_tokens",
      reasoning_effort: ["low", "medium", "high"],
      reasoning_budget: false,
      structured: "json_schema",
      images: false,
    }),
  ),
  ...["o1*", "o3*", "o4*"].map(
    (match): ModelCapabilities => ({
      match,
      temperature: false,
      token_limit: "max_completion_tokens",
      reasoning_effort: ["low", "medium", "high"],
      reasoning_budget: false,
      structured: "json_schema",
    }),
  ),
  ...["gpt-4.1*", "gpt-4o*"].map(
    (match): ModelCapabilities => ({
      match,
      temperature: true,
      token_limit: "max_completion_tokens",
      reasoning_effort: null,
      reasoning_budget: false,
      structured: "json_schema",
    }),
  ),
  // Anthropic: effort on the newest models, extended thinking with a token budget on Claude 3.7 and later.
  ...["claude-opus-4-5*", "claude-opus-4-6*", "claude-opus-4-7*", "claude-opus-4-8*", "claude-*-5*"].map(
    (match): ModelCapabilities => ({
      match,
      temperature: true,
      token_limit: "max_tokens",
      reasoning_effort: ["low", "medium", "high"],
      reasoning_budget: true,
      structured: "json_schema",
    }),
  ),
  ...["claude-3-7*", "claude-*-4*"].map(
    (match): ModelCapabilities => ({
      match,
      temperature: true,
      token_limit: "max_tokens",
      reasoning_effort: null,
      reasoning_budget: true,
      structured: "json_schema",
    }),
  ),
  {
    match: "claude-*",
    temperature: true,
    token_limit: "max_tokens",
    reasoning_effort: null,
    reasoning_budget: false,
    structured: "tools",
  },
  // Gemini: thinkingLevel on 3, thinkingBudget on 2.5; the JSON Schema field from 2.5 on.
  {
    match: "gemini-3*",
    temperature: true,
    token_limit: "max_output_tokens",
    reasoning_effort: ["low", "high"],
    reasoning_budget: true,
    structured: "json_schema",
  },
  {
    match: "gemini-2.5*",
    temperature: true,
    token_limit: "max_output_tokens",
    reasoning_effort: null,
    reasoning_budget: true,
    structured: "json_schema",
  },
  {
    match: "gemini-*",
    temperature: true,
    token_limit: "max_output_tokens",
    reasoning_effort: null,
    reasoning_budget: false,
    structured: "openapi",
  },
  {
    match: "gpt-3.5*",
    temperature: true,
    token_limit: "max_tokens",
    reasoning_effort: null,
    reasoning_budget: false,
    structured: "json_schema",
    images: false,
  },
  // Anything else (vLLM, llama.cpp, Ollama, …): the classic Chat Completions parameters.
  {
    match: "*",
    temperature: true,
    token_limit: "max_tokens",
    reasoning_effort: null,
    reasoning_budget: false,
    structured: "json_schema",
  },
];
