/**
 * The fields a bundle reads from each row, and in what form: its inputs, and the per-item
 * criteria of a template rubric (a JSON list). A header-bearing file that provides none of a
 * needed field is refused before any judge call.
 */
import type { Bundle } from "../bundle/types.js";

export interface NeededField {
  readonly name: string;
  /** `text`, `json`, or a structured input kind; decides how a text cell is decoded. */
  readonly kind: string;
  /** Why the field is needed, for messages: `input`, `per-item criteria`. */
  readonly role: string;
}

export function neededFields(bundle: Bundle): NeededField[] {
  const ir = bundle.body.rubric;
  const out: NeededField[] = ir.inputs.map((i) => ({
    name: i.name,
    // A conversation cell stays JSON text here: the executor parses it, with its own messages.
    kind: i.kind ?? "text",
    role: "input",
  }));
  // Criteria compiled into the bundle are looked up by id; only a free template reads the row.
  if (ir.template && !bundle.body.items) out.push({ name: ir.template.field, kind: "json", role: "per-item criteria" });
  return out;
}
