/**
 * Filling the bundle's templates for one item. The row's inputs go in as one line of JSON
 * inside a fence whose boundary is derived from the content (so the cache sees the same prompt
 * twice) and cannot be predicted by whoever wrote the judged text: it would have to contain its
 * own hash. JSON-encoding also removes every line break from the data, so no line inside the
 * block can be the closing line.
 */

import { createHash } from "node:crypto";
import type { Bundle } from "../bundle/types.js";
import type { ItemCriterionIR, RubricIR } from "../compile/ir.js";
import type { ContentPart } from "../provider/index.js";
import { canonicalJson } from "../util/canonical.js";
import { extend } from "../util/extend.js";

export type Message = { role: "system" | "user" | "assistant"; content: string | ContentPart[] };

/** The message with `text` added to the end of its text. */
export function appendText(m: Message, text: string): Message {
  if (typeof m.content === "string") return extend(m, { content: m.content + text });
  const parts = [...m.content];
  const first = parts[0];
  if (first?.type === "text") parts[0] = { type: "text", text: first.text + text };
  else parts.unshift({ type: "text", text });
  return extend(m, { content: parts });
}

/**
 * The inputs as one line of JSON. Text is a JSON string; a conversation is its messages as
 * data (already canonical JSON from rowInputs, so it is embedded as is); an image is a
 * placeholder `<image N>`, its bytes travel as an image part after the block.
 */
function inputsLine(ir: RubricIR, shown: Record<string, string>, images: string[]): string {
  if (!ir.inputs.some((i) => i.kind === "conversation" || i.kind === "image")) return JSON.stringify(shown);
  const fields = ir.inputs.map((i) => {
    const v = shown[i.name] ?? "";
    if (i.kind === "conversation" && v.startsWith("[")) return `${JSON.stringify(i.name)}:${v}`;
    if (i.kind === "image") {
      images.push(v);
      return `${JSON.stringify(i.name)}:${JSON.stringify(`<image ${images.length}>`)}`;
    }
    return `${JSON.stringify(i.name)}:${JSON.stringify(v)}`;
  });
  return `{${fields.join(",")}}`;
}

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
  const images: string[] = [];
  const inputs = inputsLine(ir, shown, images);
  const criteria = opts.criteria
    ? JSON.stringify(
        opts.criteria.map((c) => ({
          id: c.id,
          criterion: c.description,
          ...(c.points !== null ? { points: c.points } : {}),
        })),
      )
    : "";
  // Hashed piece by piece: the same digest as of the joined text, without copying the inputs.
  const hash = createHash("sha256").update(bundle.hash).update("\n").update(inputs).update("\n").update(criteria);
  if (images.length) hash.update(`\n${images.join("\n")}`);
  const boundary = hash.digest("hex").slice(0, 24);
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
  // Images follow the data block, each labelled with the placeholder that stands for it there.
  const content: string | ContentPart[] = images.length
    ? [
        { type: "text", text: user },
        ...images.flatMap((url, n): ContentPart[] => [
          { type: "text", text: `<image ${n + 1}>` },
          { type: "image_url", image_url: { url } },
        ]),
      ]
    : user;
  return {
    messages: [
      { role: "system", content: system },
      { role: "user", content },
    ],
    shown,
  };
}
