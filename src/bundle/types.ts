import type { ItemCriterionIR, RubricIR } from "../compile/ir.js";

/** Bumped whenever the meaning of any bundle field changes; it is part of the hashed body. */
export const BUNDLE_FORMAT = "rulers-bundle/1";

/**
 * The prompt the judge sends. `system` is the whole rubric rendered once (a stable prefix, so
 * provider prompt caching works across items); `user` is the per-item template whose
 * `{{inputs}}` placeholder the judge replaces with the fenced, JSON-encoded row inputs.
 */
export interface PromptTemplates {
  readonly system: string;
  readonly user: string;
}

export interface BundleBody {
  readonly format: string;
  readonly rubric: RubricIR;
  readonly prompt: PromptTemplates;
  /** JSON Schema of the judge's answer; OpenAI strict-mode compatible. */
  readonly answer_schema: Record<string, unknown>;
  /**
   * For template (per-item) rubrics compiled together with their rows: item id → that item's
   * criteria (as the rows give them; the template supplies kind and evidence rules), so every item's criteria are covered by the bundle hash. Null otherwise.
   */
  readonly items: Readonly<Record<string, readonly ItemCriterionIR[]>> | null;
}

/** What `bundle.json` holds: the body and `sha256:<hex>` over the body's canonical JSON. */
export interface Bundle {
  readonly hash: string;
  readonly body: BundleBody;
}
