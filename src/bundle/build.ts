/** IR → bundle: the only place a bundle body is assembled, so every path hashes the same thing. */
import type { ItemCriterionIR, RubricIR } from "../compile/ir.js";
import { contentHash } from "../util/canonical.js";
import { answerSchema } from "./answer-schema.js";
import { renderPrompt } from "./prompt.js";
import { BUNDLE_FORMAT, type Bundle, type BundleBody } from "./types.js";

export function buildBundleBody(
  ir: RubricIR,
  items: Readonly<Record<string, readonly ItemCriterionIR[]>> | null = null,
): BundleBody {
  return { format: BUNDLE_FORMAT, rubric: ir, prompt: renderPrompt(ir), answer_schema: answerSchema(ir), items };
}

export function buildBundle(
  ir: RubricIR,
  items: Readonly<Record<string, readonly ItemCriterionIR[]>> | null = null,
): Bundle {
  const body = buildBundleBody(ir, items);
  return { hash: contentHash(body), body };
}
