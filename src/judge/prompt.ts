/**
 * Filling the bundle's templates for one item. The row's inputs go in as one line of JSON
 * inside a fence whose boundary is derived from the content (so the cache sees the same prompt
 * twice) and cannot be predicted by whoever wrote the judged text: it would have to contain its
 * own hash. JSON-encoding also removes every line break from the data, so no line inside the
 * block can be the closing line.
 */

import type { Bundle } from "../bundle/types.js";
import type { ItemCriterionIR, RubricIR } from "../compile/ir.js";
import { canonicalJson, sha256Hex } from "../util/canonical.js";

export type Message = { role: "system" | "user" | "assistant"; content: string };

export interface RenderedPrompt {
  readonly messages: Message[];
  /** The inputs as the judge saw them (swapped for the B-first order of a pairwise rubric). */
  readonly shown: Record<string, string>;
}

/** Inputs as shown for one order; in the swapped order the two compared inputs trade values. */
export function shownInputs(
  ir: RubricIR,
  row: Readonly<Record<string, string>>,
  swapped: boolean,
): Record<string, string> {
  const shown: Record<string, string> = Object.create(null);
  // Own fields only: a row without `constructor` must not show Object's constructor.
  for (const i of ir.inputs) shown[i.name] = Object.hasOwn(row, i.name) ? (row[i.name] ?? "") : "";
  if (swapped && ir.mode.kind === "pairwise") {
    const [a, b] = ir.mode.compare;
    [shown[a], shown[b]] = [shown[b]!, shown[a]!];
  }
  return shown;
}

export function renderPrompt(
  bundle: Bundle,
  row: Readonly<Record<string, string>>,
  opts: { swapped: boolean; criteria?: readonly ItemCriterionIR[]; schemaHint?: unknown },
): RenderedPrompt {
  const ir = bundle.body.rubric;
  const shown = shownInputs(ir, row, opts.swapped);
  // JSON.stringify keeps the declared input order, which the system prompt lists the same way.
  const inputs = JSON.stringify(shown);
  const criteria = opts.criteria
    ? JSON.stringify(
        opts.criteria.map((c) => ({
          id: c.id,
          criterion: c.description,
          ...(c.points !== null ? { points: c.points } : {}),
        })),
      )
    : "";
  const boundary = sha256Hex(`${bundle.hash}\n${inputs}\n${criteria}`).slice(0, 24);
  // One pass over the template only: text put in by one placeholder (a criterion that says
  // `{{inputs}}`, judged text that says `{{boundary}}`) is never scanned for the others.
  const fills: Record<string, string> = { boundary, criteria, inputs };
  const user = bundle.body.prompt.user.replace(
    /\{\{(boundary|criteria|inputs)\}\}/g,
    (_m, name: string) => fills[name]!,
  );
  let system = bundle.body.prompt.system;
  if (opts.schemaHint !== undefined) {
    // Servers without json_schema support only promise JSON; the schema has to be in the prompt.
    system +=
      "\n\n## Answer schema\nYour answer must be one JSON object that validates against this JSON Schema:\n" +
      canonicalJson(opts.schemaHint);
  }
  return {
    messages: [
      { role: "system", content: system },
      { role: "user", content: user },
    ],
    shown,
  };
}
