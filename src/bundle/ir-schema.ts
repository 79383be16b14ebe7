/**
 * The shape of a bundle's IR, checked when a bundle is read. A bundle's hash proves it is what
 * someone compiled, not that the compiler wrote it: a body edited by hand and re-hashed verifies,
 * and malformed IR would then fail deep inside judging or scoring with a stack trace. Checking
 * shape and references here turns that into one message naming the field
 * (src/compile/ir.ts documents each one).
 */
import type { z } from "zod";
import type { ConditionIR, RubricIR } from "../compile/ir.js";
import { lazy } from "../util/lazy.js";
import { zodPackage } from "../util/packages.js";

/** Built on first use: zod costs more to load than most callers of the package ever need. */
export const irSchemas = lazy(() => {
  const { z } = zodPackage();
  const num = z.number();
  const nullableNum = num.nullable();
  const str = z.string();
  const strings = z.array(str);

  const policy = z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("unmet") }),
    z.object({ kind: z.literal("flag") }),
    z.object({ kind: z.literal("retry") }),
    z.object({ kind: z.literal("cap"), value: num }),
  ]);

  const evidence = z.object({
    min_quotes: z.number().int().min(0),
    max_quotes: z.number().int().min(0).nullable(),
    max_words: z.number().int().min(0).nullable(),
    min_words: z.number().int().min(1).optional(),
    from: strings,
    scope: z.enum(["system", "developer", "user", "assistant", "tool", "tool_calls"]).optional(),
  });

  const role = z.enum(["system", "developer", "user", "assistant", "tool"]);

  const kind = z.enum(["binary", "checklist", "levels"]);

  const criterion = z.object({
    id: str,
    title: str,
    description: str,
    section: str.nullable(),
    kind,
    levels: z.array(z.object({ value: num, anchor: str })),
    weight: nullableNum,
    points: nullableNum,
    evidence,
    on_evidence_failure: policy,
    tags: strings,
  });

  const last = role.optional();
  const test = z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("tool_call"), input: str, tool: str, schema: z.unknown(), negate: z.boolean() }),
    z.object({ kind: z.literal("regex"), input: str, last, pattern: str, flags: str, negate: z.boolean() }),
    z.object({
      kind: z.literal("contains"),
      input: str,
      last,
      text: str,
      ignore_case: z.boolean(),
      negate: z.boolean(),
    }),
    z.object({
      kind: z.literal("count"),
      input: str,
      unit: z.enum(["words", "characters", "turns"]),
      min: nullableNum,
      max: nullableNum,
    }),
    z.object({ kind: z.literal("json"), input: str, last, schema: z.unknown() }),
    z.object({
      kind: z.literal("equals"),
      input: str,
      last,
      other: str,
      ignore_case: z.boolean(),
      ignore_whitespace: z.boolean(),
    }),
    z.object({ kind: z.literal("numeric"), input: str, last, other: str, tolerance: num }),
  ]);

  type Condition =
    | { kind: "met"; ref: string; negate: boolean }
    | { kind: "level"; ref: string; op: string; value: number }
    | { kind: "and" | "or"; operands: Condition[] };
  const condition: z.ZodType<Condition> = z.lazy(() =>
    z.union([
      z.object({ kind: z.literal("met"), ref: str, negate: z.boolean() }),
      z.object({ kind: z.literal("level"), ref: str, op: z.enum(["<", "<=", ">", ">=", "=="]), value: num }),
      z.object({ kind: z.enum(["and", "or"]), operands: z.array(condition) }),
    ]),
  );

  const ItemCriterionSchema = z.object({
    description: str,
    id: str,
    points: nullableNum,
    tags: strings,
    title: str.nullable(),
    weight: nullableNum,
  });

  const RubricIRSchema = z
    .object({
      id: str.min(1),
      version: str.min(1),
      title: str,
      description: str,
      tags: strings,
      mode: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("pointwise") }),
        z.object({
          kind: z.literal("pairwise"),
          compare: z.tuple([str, str]),
          swap: z.boolean(),
          ties: z.boolean(),
          inconsistent: z.enum(["tie", "flag"]),
        }),
      ]),
      inputs: z
        .array(
          z.object({
            name: str,
            description: str,
            quotable: z.boolean(),
            kind: z.enum(["conversation", "reference", "image"]).optional(),
          }),
        )
        .min(1),
      scale: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("numeric"), min: num, max: num, step: num.positive() }),
        z.object({ kind: z.literal("pass_fail") }),
      ]),
      instructions: str,
      judge: z.object({
        temperature: num,
        samples: z.number().int().min(1),
        seed: nullableNum,
        max_tokens: z.number().int().min(1).nullable(),
        order: z.enum(["evidence_first", "verdict_first"]),
        quote_match: num,
        on_evidence_failure: policy,
      }),
      sections: z.array(z.object({ title: str, criteria: strings })),
      criteria: z.array(criterion),
      checks: z.array(
        z.object({ id: str, title: str, section: str.nullable(), test, weight: nullableNum, points: nullableNum }),
      ),
      gates: z.array(
        z.object({
          id: str,
          title: str,
          when: condition,
          action: z.object({ kind: z.enum(["cap", "fix"]), value: num }),
        }),
      ),
      aggregation: z.object({
        method: z.enum(["weighted_mean", "points", "minimum", "sum"]),
        rounding: z.enum(["half_up", "half_even", "down", "up", "none"]),
      }),
      template: z.object({ field: str, kind, evidence, on_evidence_failure: policy }).nullable(),
      imports: strings,
    })
    .superRefine((ir, ctx) => {
      for (const issue of referenceIssues(ir as unknown as RubricIR)) ctx.addIssue({ code: "custom", ...issue });
    });
  return { ItemCriterionSchema, RubricIRSchema };
});

/**
 * The references the executor follows without looking: each must name something declared. Part
 * of the zod schema above (its refinement), and run on its own when the shape was checked
 * without zod (file.ts).
 */
export function referenceIssues(ir: RubricIR): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const inputs = new Set(ir.inputs.map((i) => i.name));
  const ids = new Set<string>();
  const add = (id: string, path: (string | number)[]) => {
    if (ids.has(id)) issues.push({ path, message: `id \`${id}\` is used twice` });
    ids.add(id);
  };
  ir.criteria.forEach((c, i) => {
    add(c.id, ["criteria", i, "id"]);
    c.evidence.from.forEach((f, j) => {
      if (!inputs.has(f)) issues.push({ path: ["criteria", i, "evidence", "from", j], message: `names no input` });
    });
  });
  ir.checks.forEach((c, i) => {
    add(c.id, ["checks", i, "id"]);
    const t = c.test;
    for (const name of "other" in t ? [t.input, t.other] : [t.input])
      if (!inputs.has(name)) issues.push({ path: ["checks", i, "test"], message: "names no input" });
  });
  const refs = (c: ConditionIR, path: (string | number)[]): void => {
    if ("operands" in c) {
      for (const [j, o] of c.operands.entries()) refs(o, [...path, "operands", j]);
    } else if (!ids.has(c.ref)) issues.push({ path, message: `refers to \`${c.ref}\`, not declared` });
  };
  for (const [i, g] of ir.gates.entries()) refs(g.when, ["gates", i, "when"]);
  if (ir.mode.kind === "pairwise")
    for (const name of ir.mode.compare)
      if (!inputs.has(name)) issues.push({ path: ["mode", "compare"], message: "names no input" });
  if (ir.criteria.length === 0 && ir.template === null && ir.checks.length === 0 && ir.instructions === "")
    issues.push({ path: ["criteria"], message: "the rubric judges nothing" });
  return issues;
}
