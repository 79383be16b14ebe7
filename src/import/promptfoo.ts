/**
 * promptfoo configs (YAML): `llm-rubric` and `g-eval` assertions, from `defaultTest.assert`
 * and each `tests[].assert`, become criteria of one pointwise rubric over the model `output`
 * (and the prompt's `vars`, as inputs). `llm-rubric` is pass/fail → a binary criterion;
 * `g-eval` scores 0–10 → an ordinal 0–10 criterion whose anchors are generic, since G-Eval
 * writes its evaluation steps at run time. Whatever cannot be expressed (thresholds, per-test
 * scoping, providers) is reported as a warning with its place in the config.
 */
import { parse } from "yaml";
import { finish, ImportError, type ImportResult, type ImportWarning, slug, text } from "./source.js";

interface Assertion {
  type?: unknown;
  value?: unknown;
  threshold?: unknown;
  provider?: unknown;
  weight?: unknown;
  metric?: unknown;
}

export function importPromptfoo(input: string, opts: { prefix: string; name?: string }): ImportResult {
  let config: Record<string, unknown>;
  try {
    config = parse(input) as Record<string, unknown>;
  } catch (err) {
    throw new ImportError(`not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (!config || typeof config !== "object") throw new ImportError("not a promptfoo config (expected a YAML mapping)");
  const warnings: ImportWarning[] = [];
  const errors: ImportWarning[] = [];
  const found: { where: string; a: Assertion; scope: string | null }[] = [];
  const collect = (list: unknown, where: string, scope: string | null) => {
    if (!Array.isArray(list)) return;
    for (const [i, a] of (list as Assertion[]).entries()) found.push({ where: `${where}[${i}]`, a, scope });
  };
  collect((config.defaultTest as { assert?: unknown } | undefined)?.assert, "defaultTest.assert", null);
  const tests = Array.isArray(config.tests)
    ? (config.tests as { assert?: unknown; description?: unknown; vars?: Record<string, unknown> }[])
    : [];
  for (const [i, t] of tests.entries())
    collect(t?.assert, `tests[${i}].assert`, typeof t?.description === "string" ? t.description : `test ${i + 1}`);
  const vars = new Set<string>();
  for (const t of tests) for (const k of Object.keys(t?.vars ?? {})) vars.add(k);
  const criteria: string[] = [];
  let n = 0;
  for (const { where, a, scope } of found) {
    if (a?.type !== "llm-rubric" && a?.type !== "g-eval") {
      if (typeof a?.type === "string")
        warnings.push({
          where,
          message: `assertion type \`${a.type}\` is not an LLM rubric; not imported (deterministic ones may be written as rulers checks)`,
        });
      continue;
    }
    const values = Array.isArray(a.value) ? a.value : [a.value];
    if (values.length === 0 || values.some((v) => typeof v !== "string" || v.trim() === "")) {
      errors.push({
        where,
        message: "field `value` must be the rubric text (a string, or for g-eval a list of strings)",
      });
      continue;
    }
    if (a.threshold !== undefined)
      warnings.push({
        where,
        message: `threshold ${JSON.stringify(a.threshold)} is a pass mark on the score, not part of the rubric; dropped`,
      });
    if (a.provider !== undefined)
      warnings.push({
        where,
        message: "the grading provider is chosen with `rulers judge --model`, not in the rubric; dropped",
      });
    if (scope !== null)
      warnings.push({
        where,
        message: `this assertion belonged to \`${scope}\` only; in the imported rubric it applies to every row`,
      });
    const weight = typeof a.weight === "number" && a.weight >= 0 ? a.weight : 1;
    for (const v of values as string[]) {
      n++;
      const id = `c${n}`;
      const title = typeof a.metric === "string" ? a.metric : (v.split(/[.\n]/)[0] ?? v).slice(0, 70);
      if (a.type === "llm-rubric") {
        criteria.push(`criterion ${id} ${text(title)}`, "  binary", `  ${text(v, 1)}`, `  weight ${weight}`, "end");
      } else {
        criteria.push(
          `criterion ${id} ${text(title)}`,
          `  ${text(v, 1)}`,
          "  levels",
          ...Array.from(
            { length: 11 },
            (_, k) =>
              `    ${k} ${text(k === 0 ? "Does not meet the criterion at all." : k === 10 ? "Fully meets the criterion." : `Meets the criterion to degree ${k} of 10.`)}`,
          ),
          "  end",
          `  weight ${weight}`,
          "end",
        );
        warnings.push({
          where,
          message:
            "g-eval generates its evaluation steps at run time; imported as a 0–10 ordinal criterion with generic anchors",
        });
      }
    }
  }
  if (criteria.length === 0) {
    if (errors.length === 0)
      errors.push({
        where: "the config",
        message: "no `llm-rubric` or `g-eval` assertions found in defaultTest.assert or tests[].assert",
      });
    return { rubrics: [], warnings, errors };
  }
  const name = slug(
    opts.name ?? (typeof config.description === "string" ? config.description : "promptfoo"),
    "promptfoo",
  );
  const lines = [
    "# Imported from a promptfoo config: its llm-rubric and g-eval assertions.",
    `rubric ${slug(`${opts.prefix}promptfoo.${name}`, `promptfoo.${name}`)} version 1.0.0`,
    ...(typeof config.description === "string" ? [`title ${text(config.description)}`] : []),
    "mode pointwise",
    ...[...vars]
      .sort()
      .filter((v) => v !== "output")
      .map((v) => `input ${slug(v, "var")} ${text(`The test variable \`${v}\``)}`),
    'input output "The model output being graded", quotable',
    "scale 0 to 1 step 0.01",
    ...criteria,
    "aggregate weighted mean",
  ];
  return { rubrics: [{ name: `${name}.rubric`, source: finish(lines, "the config") }], warnings, errors };
}
