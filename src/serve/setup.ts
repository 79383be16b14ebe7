/**
 * How each served bundle is judged: the provider setup `rulers judge` makes (provider, answer
 * format, capabilities, reasoning overrides, prices), then the same `judgeSettings`, one bundle
 * at a time because reasoning settings and the schema check depend on the rubric.
 */
import { judgeSettings, type ProviderSetup, providerSetup, type RunChoices } from "../api/judge-setup.js";
import type { JudgeSettings } from "../execute/index.js";
import type { Served } from "./bundles.js";

export interface ServeSetup {
  /** By `id@version`. */
  readonly settings: ReadonlyMap<string, JudgeSettings>;
  /** The setup of the first bundle: what the judge client is made for (the same for every bundle). */
  readonly provider: ProviderSetup;
}

/**
 * `values` are the provider settings by their CLI names (`provider`, `format`, `prices`, …, as in
 * `providerSetup`). Each note is passed to `warn` once, however many bundles it applies to.
 */
export function serveSetup(
  served: Served,
  values: Record<string, unknown>,
  choices: RunChoices,
  warn: (message: string) => void,
): ServeSetup {
  const said = new Set<string>();
  const once = (m: string) => {
    if (!said.has(m)) {
      said.add(m);
      warn(m);
    }
  };
  const settings = new Map<string, JudgeSettings>();
  let first: ProviderSetup | undefined;
  for (const [ref, sb] of served.bundles) {
    const setup = providerSetup(values, sb.bundle, choices.models, once);
    first ??= setup;
    settings.set(ref, judgeSettings(sb.bundle, setup, choices));
  }
  return { settings, provider: first! };
}
