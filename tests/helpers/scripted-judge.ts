/**
 * A scripted judge that answers any rulers request validly: it reads the schema from the
 * request's response_format and the inputs from the data block, quotes real text from a
 * quotable input, and lets a test decide each verdict (or fabricate quotes).
 */
import type { FakeRequest } from "./fake-openai.js";

export interface JudgeScript {
  /** Verdict for a binary/pairwise criterion, level for an ordinal one; default: met / top level / A. */
  decide?: (
    criterionId: string,
    enumValues: readonly (string | number)[],
    inputs: Record<string, any>,
  ) => string | number;
  /** Quote text for a criterion (default: the first 6 words of the first allowed input). */
  quote?: (
    criterionId: string,
    inputs: Record<string, any>,
    allowed: readonly string[],
  ) => { input: string; quote: string } | null;
  score?: (inputs: Record<string, any>) => number;
}

export function inputsOf(body: any): Record<string, any> {
  const content = body.messages.find((m: any) => m.role === "user").content;
  // With image inputs the user message is a list of parts; the data block is the first text part.
  const user: string = typeof content === "string" ? content : content.find((p: any) => p.type === "text").text;
  const lines = user.split("\n");
  const open = lines.findIndex((l) => l.startsWith("<<<DATA "));
  return JSON.parse(lines[open + 1]!);
}

export function schemaOf(body: any): any {
  const rf = body.response_format;
  if (rf.type === "json_schema") return rf.json_schema.schema;
  const system: string = body.messages[0].content;
  return JSON.parse(system.slice(system.indexOf("{", system.indexOf("## Answer schema"))));
}

function judged(id: string, schema: any, inputs: Record<string, any>, s: JudgeScript): any {
  const props = schema.properties;
  const allowed: string[] = props.evidence.items.properties.input.enum;
  const q = s.quote
    ? s.quote(id, inputs, allowed)
    : allowed[0] && typeof inputs[allowed[0]] === "string"
      ? { input: allowed[0], quote: inputs[allowed[0]]!.split(/\s+/).slice(0, 6).join(" ") }
      : null;
  const out: any = { evidence: q ? [q] : [], rationale: `scripted rationale for ${id}` };
  for (const key of ["verdict", "level", "preferred", "score"]) {
    if (!props[key]) continue;
    const values = props[key].enum as (string | number)[];
    out[key] =
      key === "score" && s.score
        ? s.score(inputs)
        : s.decide
          ? s.decide(id, values, inputs)
          : key === "level" || key === "score"
            ? values[values.length - 1]
            : values[0];
  }
  return out;
}

export function answerFor(body: any, s: JudgeScript = {}): unknown {
  const schema = schemaOf(body);
  const inputs = inputsOf(body);
  const crit = schema.properties.criteria;
  if (!crit) return judged("overall", schema, inputs, s);
  if (crit.type === "array") {
    const ids: string[] = crit.items.properties.id.enum ?? [];
    return { criteria: ids.map((id) => ({ id, ...judged(id, crit.items, inputs, s) })) };
  }
  const out: Record<string, unknown> = {};
  for (const id of crit.required as string[]) out[id] = judged(id, crit.properties[id], inputs, s);
  return { criteria: out };
}

export const validJudge =
  (s: JudgeScript = {}) =>
  (r: FakeRequest) => ({ json: answerFor(r.body, s) });
