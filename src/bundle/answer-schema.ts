/**
 * The JSON Schema a judge's answer must satisfy, derived from the IR. It is valid for ajv and
 * for OpenAI strict structured outputs: every object closed, every property required.
 *
 * Order matters to a decoder (it writes properties in schema order), but bundles are stored
 * with sorted keys. So the order lives in each object's `required` array, which is never
 * re-sorted; the judge lays out `properties` in that order before sending the schema.
 */
import type { CriterionIR, RubricIR } from "../compile/ir.js";

type Schema = Record<string, unknown>;

function object(props: [string, Schema][]): Schema {
  return {
    type: "object",
    additionalProperties: false,
    required: props.map(([k]) => k),
    properties: Object.fromEntries(props),
  };
}

function evidenceSchema(sources: readonly string[]): Schema {
  return {
    type: "array",
    description: "passages copied exactly from the named input that support the verdict",
    items: object([
      ["input", { type: "string", enum: sources.length ? [...sources] : [""] }],
      ["quote", { type: "string" }],
    ]),
  };
}

function verdictSchema(ir: RubricIR, c: Pick<CriterionIR, "kind" | "levels">): [string, Schema] {
  if (ir.mode.kind === "pairwise")
    return ["verdict", { type: "string", enum: ir.mode.ties ? ["A", "B", "tie"] : ["A", "B"] }];
  if (c.kind === "binary") return ["verdict", { type: "string", enum: ["met", "unmet"] }];
  const values = c.kind === "checklist" ? [0, 1, 2] : c.levels.map((l) => l.value);
  return ["level", { type: "integer", enum: values }];
}

/** The three parts of one judgment, in the order the rubric pins. */
function judgedParts(ir: RubricIR, verdict: [string, Schema], sources: readonly string[]): [string, Schema][] {
  const evidence: [string, Schema] = ["evidence", evidenceSchema(sources)];
  const rationale: [string, Schema] = ["rationale", { type: "string" }];
  return ir.judge.order === "evidence_first" ? [evidence, rationale, verdict] : [verdict, rationale, evidence];
}

function scaleValues(ir: RubricIR): number[] | null {
  const s = ir.scale;
  if (s.kind === "pass_fail") return [0, 1];
  const n = Math.round((s.max - s.min) / s.step);
  if (n > 100) return null;
  const d = (String(s.step).split(".")[1] ?? "").length;
  return Array.from({ length: n + 1 }, (_, i) => Number((s.min + i * s.step).toFixed(d)));
}

function quotableSources(ir: RubricIR): string[] {
  const fromCriteria = ir.criteria.flatMap((c) => c.evidence.from);
  const fromTemplate = ir.template?.evidence.from ?? [];
  const quotable = ir.inputs.filter((i) => i.quotable).map((i) => i.name);
  return [...new Set([...quotable, ...fromCriteria, ...fromTemplate])];
}

export function answerSchema(ir: RubricIR): Schema {
  const sources = quotableSources(ir);
  if (ir.template) {
    // Per-item criteria differ per row: the judge narrows `id` to the row's criterion ids.
    const item = object([
      ["id", { type: "string" }],
      ...judgedParts(ir, verdictSchema(ir, { kind: ir.template.kind, levels: [] }), sources),
    ]);
    return object([["criteria", { type: "array", items: item }]]);
  }
  if (ir.criteria.length === 0) {
    if (ir.mode.kind === "pairwise") {
      return object(
        judgedParts(
          ir,
          ["preferred", { type: "string", enum: ir.mode.ties ? ["A", "B", "tie"] : ["A", "B"] }],
          sources,
        ),
      );
    }
    const values = scaleValues(ir);
    const s = ir.scale;
    const score: Schema = values
      ? { type: "number", enum: values }
      : { type: "number", minimum: s.kind === "numeric" ? s.min : 0, maximum: s.kind === "numeric" ? s.max : 1 };
    return object(judgedParts(ir, ["score", score], sources));
  }
  const criteria = object(
    ir.criteria.map((c) => [c.id, object(judgedParts(ir, verdictSchema(ir, c), c.evidence.from))]),
  );
  return object([["criteria", criteria]]);
}

/** A copy of `schema` whose `properties` follow each object's `required` order (see above). */
export function orderedSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(orderedSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "properties" && Array.isArray(s.required) && v && typeof v === "object") {
      const props = v as Record<string, unknown>;
      const ordered: Record<string, unknown> = {};
      for (const key of s.required as string[]) if (key in props) ordered[key] = orderedSchema(props[key]);
      for (const key of Object.keys(props)) if (!(key in ordered)) ordered[key] = orderedSchema(props[key]);
      out[k] = ordered;
    } else out[k] = orderedSchema(v);
  }
  return out;
}
