/**
 * HealthBench: JSONL (or a JSON array, or one JSON object) of examples with a conversation
 * (`prompt`: [{role, content}]) and physician-written `rubrics`: [{criterion, points, tags}].
 * Becomes one per-item template rubric (points earned over positive points, clipped to 0..1)
 * and a rows file carrying each example's conversation (as a `conversation` input: messages,
 * not flattened text), its ideal completion (a `reference` input, never evidence) and criteria.
 * Rows have no response: HealthBench grades the responses of the model under test, which the
 * user adds.
 */
import { parseConversation } from "../util/conversation.js";
import { finish, ImportError, type ImportResult, type ImportWarning, slug } from "./source.js";

/** The physician-written ideal completion of an example, when it has one. */
function idealOf(v: Record<string, unknown>): string | null {
  const d = v.ideal_completions_data as { ideal_completion?: unknown } | null | undefined;
  return d && typeof d.ideal_completion === "string" && d.ideal_completion.trim() !== "" ? d.ideal_completion : null;
}

export function readRecords(text: string, what: string): { line: number; value: unknown }[] {
  const t = text.trim();
  if (t.startsWith("[") || (t.startsWith("{") && !t.includes("\n{"))) {
    try {
      const v = JSON.parse(t);
      return (Array.isArray(v) ? v : [v]).map((value, i) => ({ line: i + 1, value }));
    } catch {
      // fall through to JSONL: a file of one-line objects also starts with `{`
    }
  }
  const out: { line: number; value: unknown }[] = [];
  text.split("\n").forEach((l, i) => {
    if (l.trim() === "") return;
    try {
      out.push({ line: i + 1, value: JSON.parse(l) });
    } catch (err) {
      out.push({ line: i + 1, value: new ImportError(`not valid JSON (${(err as Error).message})`) });
    }
  });
  if (out.length === 0) throw new ImportError(`${what} holds no records`);
  return out;
}

export function importHealthbench(input: string, opts: { prefix: string }): ImportResult {
  const warnings: ImportWarning[] = [];
  const errors: ImportWarning[] = [];
  const rows: string[] = [];
  const tags = new Set<string>();
  let ideals = 0;
  for (const { line, value } of readRecords(input, "the HealthBench file")) {
    const where = `row ${line}`;
    if (value instanceof ImportError) {
      errors.push({ where, message: value.message });
      continue;
    }
    const v = value as Record<string, unknown>;
    const prompt = v.prompt;
    if (!Array.isArray(prompt) || prompt.some((m) => typeof m?.content !== "string")) {
      errors.push({ where, message: "field `prompt` must be a list of {role, content} messages" });
      continue;
    }
    const convo = parseConversation(prompt.map((m) => ({ role: m.role ?? "user", ...m })));
    if (!convo.ok) {
      errors.push({ where, message: `field \`prompt\` ${convo.error.replace(/^messages/, "prompt")}` });
      continue;
    }
    if (!Array.isArray(v.rubrics) || v.rubrics.length === 0) {
      errors.push({ where, message: "field `rubrics` must be a non-empty list of {criterion, points, tags}" });
      continue;
    }
    const criteria: Record<string, unknown>[] = [];
    let bad = false;
    (v.rubrics as Record<string, unknown>[]).forEach((r, i) => {
      if (typeof r?.criterion !== "string" || r.criterion.trim() === "") {
        errors.push({ where: `${where}, rubrics[${i}]`, message: "field `criterion` must be a non-empty string" });
        bad = true;
      } else if (typeof r.points !== "number" || !Number.isFinite(r.points)) {
        errors.push({
          where: `${where}, rubrics[${i}]`,
          message: `field \`points\` must be a number, got ${JSON.stringify(r.points)}`,
        });
        bad = true;
      } else {
        const t = Array.isArray(r.tags) ? r.tags.filter((x): x is string => typeof x === "string") : [];
        for (const x of t) tags.add(x);
        criteria.push({ id: `c${i + 1}`, criterion: r.criterion, points: r.points, tags: t });
      }
    });
    if (bad) continue;
    if (!criteria.some((c) => (c.points as number) > 0))
      warnings.push({ where, message: "no criterion has positive points, so every response scores 0" });
    const id = typeof v.prompt_id === "string" ? v.prompt_id : String(line);
    const conversation = convo.turns.map((t) => ({ role: t.role, content: t.content }));
    const ideal = idealOf(v);
    if (ideal !== null) ideals++;
    rows.push(
      JSON.stringify({
        id,
        conversation,
        ...(ideal !== null ? { ideal } : {}),
        ...(typeof v.completion === "string" ? { response: v.completion } : {}),
        rubrics: criteria,
        ...(Array.isArray(v.example_tags) ? { example_tags: v.example_tags } : {}),
      }),
    );
  }
  if (rows.length && !rows.some((r) => r.includes('"response":')))
    warnings.push({
      where: "all rows",
      message: "HealthBench rows carry no response; add each response to judge as a `response` field",
    });
  // A reference input every row must carry: rows without an ideal completion get an empty one.
  const withIdeal = ideals > 0;
  if (withIdeal && ideals < rows.length) {
    warnings.push({
      where: "some rows",
      message: `${rows.length - ideals} of ${rows.length} rows have no ideal completion; their \`ideal\` is empty`,
    });
    for (const [i, r] of rows.entries()) if (!r.includes('"ideal":')) rows[i] = r.replace(/\}$/, ',"ideal":""}');
  }
  const id = `${opts.prefix}healthbench.per-item`;
  const source = finish(
    [
      "# Imported from HealthBench: each row carries its own physician-written criteria.",
      `rubric ${slug(id, "healthbench.per-item")} version 1.0.0`,
      'title "HealthBench (per-item criteria)"',
      "tags healthbench, per-item",
      "mode pointwise",
      'input conversation conversation "The conversation so far; the last turn is the user\'s"',
      ...(withIdeal ? ['input ideal reference "A physician-written ideal completion, to compare against"'] : []),
      'input response "The reply being graded", quotable',
      "scale 0 to 1 step 0.01",
      'instructions """',
      "  You are grading a reply in a health conversation against criteria written by physicians",
      "  for this conversation. Judge each criterion on its own. A criterion with negative points",
      "  describes something the reply should not do: mark it met only if the reply does it.",
      '"""',
      // The official grader asks about one rubric item per call.
      "judge",
      "  each criterion separately",
      "end",
      "per item criteria from rubrics",
      "  binary",
      "end",
      "aggregate points",
      "rounding half up",
    ],
    "healthbench",
  );
  // Tags stay on each criterion; records report a sub-score per tag (`tag_scores`).
  return { rubrics: rows.length ? [{ name: "healthbench.rubric", source, rows }] : [], warnings, errors };
}
