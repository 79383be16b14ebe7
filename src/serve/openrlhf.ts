/**
 * OpenRLHF's remote reward-model protocol: `POST /get_reward` with `{query, prompts?, labels?}`
 * (one entry per sample; `query` is the prompt and the response as one text) answered with
 * `{rewards, scores, extra_logs}`. The mapping says which bundle inputs the three lists fill:
 * the response is the query with its prompt cut off (the text after the prompt's last
 * occurrence), or the whole query when the prompt does not occur in it.
 */
import type { Bundle } from "../bundle/types.js";
import { ConfigError, ServeError } from "./errors.js";

export interface OpenRlhfMapping {
  /** `id@version` of the served bundle the protocol scores with. */
  readonly bundle: string;
  readonly prompt: string | null;
  readonly response: string;
  readonly label: string | null;
}

const ROLES = ["prompt", "response", "label"] as const;

/** `prompt=question,response=answer,label=reference`; roles left out keep their defaults. */
export function openRlhfMapping(ref: string, bundle: Bundle, spec: string | undefined): OpenRlhfMapping {
  const inputs = bundle.body.rubric.inputs.map((i) => i.name);
  const has = (n: string) => inputs.includes(n);
  const m: Record<(typeof ROLES)[number], string | null> = {
    prompt: has("prompt") ? "prompt" : null,
    response: has("response") ? "response" : null,
    label: has("reference") ? "reference" : null,
  };
  for (const part of (spec ?? "").split(",").filter((p) => p.trim() !== "")) {
    const [role, name] = part.split("=").map((s) => s.trim());
    if (!ROLES.includes(role as never) || !name)
      throw new ConfigError(`\`--openrlhf-map\`: \`${part}\` must be role=input with role one of ${ROLES.join(", ")}`);
    if (!has(name))
      throw new ConfigError(
        `\`--openrlhf-map\`: \`${ref}\` has no input \`${name}\` (its inputs: ${inputs.join(", ")})`,
      );
    m[role as (typeof ROLES)[number]] = name;
  }
  if (m.response === null)
    throw new ConfigError(
      `\`${ref}\` has no input \`response\`; say which input the OpenRLHF response fills with --openrlhf-map response=<input>`,
    );
  const fed = new Set([m.prompt, m.response, m.label]);
  const unfed = inputs.filter((n) => !fed.has(n));
  if (unfed.length)
    throw new ConfigError(
      `the OpenRLHF protocol cannot fill input${unfed.length > 1 ? "s" : ""} ${unfed.map((n) => `\`${n}\``).join(", ")} of \`${ref}\`; map it with --openrlhf-map prompt=<input>,label=<input>`,
    );
  return { bundle: ref, prompt: m.prompt, response: m.response, label: m.label };
}

function stringList(body: Record<string, unknown>, field: string, n?: number): (string | null)[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => x !== null && typeof x !== "string"))
    throw new ServeError("invalid_request", `\`${field}\` must be a list of strings`, { field });
  if (n !== undefined && v.length !== n)
    throw new ServeError("invalid_request", `\`${field}\` has ${v.length} entries but \`query\` has ${n}`, { field });
  return v as (string | null)[];
}

/** The rows the protocol's lists describe, in the bundle's input names. */
export function openRlhfRows(m: OpenRlhfMapping, body: unknown): Record<string, unknown>[] {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new ServeError("invalid_request", "the body must be a JSON object with `query`");
  const b = body as Record<string, unknown>;
  const query = stringList(b, "query");
  if (!query) throw new ServeError("invalid_request", "`query` is required: a list of prompt + response texts");
  const prompts = stringList(b, "prompts", query.length);
  const labels = stringList(b, "labels", query.length);
  if (m.prompt !== null && !prompts)
    throw new ServeError("invalid_request", `\`prompts\` is required: it fills the bundle's input \`${m.prompt}\``);
  if (m.label !== null && !labels)
    throw new ServeError("invalid_request", `\`labels\` is required: it fills the bundle's input \`${m.label}\``);
  return query.map((q, i) => {
    const text = q ?? "";
    const prompt = prompts?.[i] ?? null;
    const at = prompt ? text.lastIndexOf(prompt) : -1;
    const row: Record<string, unknown> = { [m.response]: at >= 0 ? text.slice(at + prompt!.length) : text };
    if (m.prompt !== null) row[m.prompt] = prompt;
    if (m.label !== null) row[m.label] = labels?.[i] ?? null;
    return row;
  });
}
