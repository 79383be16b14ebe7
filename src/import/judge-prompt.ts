/**
 * Free-form judge prompts (MT-Bench style): a template with placeholders such as `{question}`,
 * `{answer_a}`, `{answer_b}`, `{answer}`, `{reference}` and a verdict marker (`[[A]]`/`[[B]]`/
 * `[[C]]`, or `[[rating]]`). Placeholders become named inputs, the prose becomes the rubric's
 * instructions, and the verdict format is replaced by the structured answer. A JSONL of
 * `{prompt_id, prompt}` imports one rubric per row (so two versions can be diffed).
 *
 * The source's protocol is kept: a pairwise prompt is judged in the one order it shows (no
 * `swap order`; a warning suggests adding it), and ties are allowed only when the verdict format
 * offers one (`[[C]]`, `[[A=B]]`, "tie"). Arena-Hard's graded verdicts (`[[A>>B]]` … `[[B>>A]]`)
 * read as pairwise. Rows without an id are named after the file and the row, so two imports
 * never share an id.
 */
import {
  finish,
  ImportError,
  type ImportedRubric,
  type ImportResult,
  type ImportWarning,
  slug,
  text,
} from "./source.js";

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const DESCRIPTIONS: Record<string, string> = {
  question: "The user's question",
  instruction: "The instruction given to the assistants",
  answer: "The answer to evaluate",
  answer_a: "Assistant A's answer",
  answer_b: "Assistant B's answer",
  reference: "A reference answer",
  ref_answer_1: "A reference answer",
};

/** Drop the sentences that ask for a textual verdict format; keep every other sentence. */
function removeVerdictFormat(prose: string): { prose: string; dropped: string[] } {
  const dropped: string[] = [];
  const format =
    /\[\[(?:A|B|C|rating|\d+)\]\]|\[\[.*?\]\]|strictly follow(?:ing)? this format|final verdict|following choices/i;
  const out = prose
    .split("\n")
    .map((line) => {
      if (!format.test(line)) return line;
      const sentences = line.split(/(?<=[.!?])\s+/);
      return sentences
        .filter((sentence) => {
          if (!format.test(sentence)) return true;
          dropped.push(sentence.trim());
          return false;
        })
        .join(" ");
    })
    .join("\n")
    // What a dropped sentence leaves behind: a bare list number, a dangling conjunction.
    .split("\n")
    .filter((line) => !/^\s*(?:\d+[.)]|[-*•]|or|and|,)?\s*[.:,;]?\s*$/i.test(line) || line.trim() === "")
    .join("\n");
  return { prose: out, dropped };
}

/** A list item that names a criterion: `1. Helpfulness: …`, `- **Accuracy** — …`. */
const CRITERION_ITEM = /^\s*(?:\d+[.)]|[-*•])\s+(?:\*\*)?([A-Z][\p{L}'’ -]{1,40}?)(?:\*\*)?\s*(?::|—|–|\s-)\s+(.+)$/u;

/**
 * Numbered or bulleted lists of named criteria (at least two consecutive items of the form
 * `Name: what it means`) become criterion blocks; the rest of the prose stays instructions.
 */
function listedCriteria(prose: string): {
  prose: string;
  criteria: { id: string; title: string; description: string }[];
} {
  const lines = prose.split("\n");
  const criteria: { id: string; title: string; description: string }[] = [];
  const keep: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j < lines.length && CRITERION_ITEM.test(lines[j]!)) j++;
    if (j - i >= 2) {
      for (const line of lines.slice(i, j)) {
        const m = CRITERION_ITEM.exec(line)!;
        const title = m[1]!.trim();
        let id = slug(title, "criterion").replace(/[.-]/g, "_");
        for (let k = 2; criteria.some((c) => c.id === id); k++) id = `${slug(title, "criterion")}_${k}`;
        criteria.push({ id, title, description: m[2]!.trim() });
      }
      i = j;
    } else {
      keep.push(lines[i]!);
      i++;
    }
  }
  return { prose: keep.join("\n"), criteria };
}

export function importJudgePrompt(input: string, opts: { prefix: string; name?: string }): ImportResult {
  const warnings: ImportWarning[] = [];
  const errors: ImportWarning[] = [];
  const rubrics: ImportedRubric[] = [];
  let items: { where: string; id: string; prompt: string }[];
  const trimmed = input.trim();
  if (trimmed.startsWith("{")) {
    items = [];
    trimmed.split("\n").forEach((l, i) => {
      if (!l.trim()) return;
      try {
        const v = JSON.parse(l) as {
          prompt_id?: unknown;
          name?: unknown;
          prompt?: unknown;
          system_prompt?: unknown;
          prompt_template?: unknown;
        };
        const prompt = [v.system_prompt, v.prompt ?? v.prompt_template]
          .filter((x): x is string => typeof x === "string")
          .join("\n\n");
        if (!prompt) errors.push({ where: `row ${i + 1}`, message: "field `prompt` must be a string" });
        else
          items.push({
            where: `row ${i + 1}`,
            id:
              v.prompt_id !== undefined || v.name !== undefined
                ? String(v.prompt_id ?? v.name)
                : `${opts.name ?? "judge-prompt"}-row-${i + 1}`,
            prompt,
          });
      } catch (err) {
        errors.push({ where: `row ${i + 1}`, message: `not valid JSON (${(err as Error).message})` });
      }
    });
  } else items = [{ where: "the template", id: opts.name ?? "judge-prompt", prompt: input }];

  for (const item of items) {
    const placeholders = [...new Set([...item.prompt.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
    const pairwise =
      (/\[\[A\]\]/.test(item.prompt) && /\[\[B\]\]/.test(item.prompt)) ||
      /\[\[A>>?B\]\]|\[\[B>>?A\]\]/.test(item.prompt);
    const ties = /\[\[C\]\]|\[\[A=B\]\]|\btie\b/i.test(item.prompt);
    const rating = /\[\[rating\]\]|\[\[\d+\]\]/i.test(item.prompt);
    if (!pairwise && !rating) {
      errors.push({
        where: item.where,
        message:
          "no verdict marker found (`[[A]]`/`[[B]]` for pairwise, `[[rating]]` for a score); rulers needs to know which kind of verdict the prompt asks for",
      });
      continue;
    }
    if (placeholders.length === 0) {
      errors.push({
        where: item.where,
        message: "no placeholders such as `{question}` or `{answer}`: nothing to fill in from a row",
      });
      continue;
    }
    const { prose: withoutFormat, dropped } = removeVerdictFormat(item.prompt);
    const { prose, criteria } = listedCriteria(withoutFormat);
    if (criteria.length)
      warnings.push({
        where: item.where,
        message: `turned the listed criteria ${criteria.map((c) => `\`${c.title}\``).join(", ")} into criterion blocks (weight 1 each): the ${pairwise ? "preference" : "score"} is now aggregated from them instead of given as one holistic verdict; drift and diff see each criterion`,
      });
    if (dropped.length)
      warnings.push({
        where: item.where,
        message: `the verdict format is replaced by the structured answer; dropped: ${dropped.map((d) => `\`${d.slice(0, 60)}\``).join("; ")}`,
      });
    // Placeholders are filled from the row's inputs, which the judge sees in the data block.
    const instructions = prose
      .replace(PLACEHOLDER, (_, n: string) => `(the input \`${n}\`)`)
      .replace(/\n{3,}/g, "\n\n");
    const pairs = pairwise
      ? ["answer_a", "answer_b"].every((p) => placeholders.includes(p))
        ? ["answer_a", "answer_b"]
        : placeholders.slice(-2)
      : [];
    const scaleMatch = /scale of (\d+) to (\d+)|from (\d+) to (\d+)/i.exec(item.prompt);
    const lo = scaleMatch ? Number(scaleMatch[1] ?? scaleMatch[3]) : 1;
    const hi = scaleMatch ? Number(scaleMatch[2] ?? scaleMatch[4]) : 10;
    if (!pairwise && !scaleMatch)
      warnings.push({
        where: item.where,
        message: "no rating range found in the prose; assumed 1 to 10 as in MT-Bench",
      });
    const name = slug(item.id, "judge-prompt");
    const lines = [
      `# Imported from a judge prompt (${item.where}).`,
      `rubric ${slug(opts.prefix + name, name)} version 1.0.0`,
    ];
    if (pairwise && /\[\[A>>B\]\]|\[\[B>>A\]\]/.test(item.prompt))
      warnings.push({
        where: item.where,
        message:
          "the source grades its verdicts (`[[A>>B]]` much better, `[[A>B]]` slightly better); rulers records A, B or tie, so the strength is not kept",
      });
    if (pairwise) {
      lines.push(
        "mode pairwise",
        `  compare ${pairs[0]} and ${pairs[1]}`,
        ties ? "  ties allowed" : "  no ties",
        "end",
      );
      warnings.push({
        where: item.where,
        message: `kept the source protocol: one order${ties ? "" : ", no ties"}; add \`swap order\` to the mode block to judge both orders and cancel position bias`,
      });
    } else lines.push("mode pointwise");
    for (const p of placeholders) {
      const quotable = p.startsWith("answer") || pairs.includes(p);
      lines.push(`input ${p} ${text(DESCRIPTIONS[p] ?? p.replace(/_/g, " "))}${quotable ? ", quotable" : ""}`);
    }
    if (!pairwise) lines.push(`scale ${lo} to ${hi}`);
    lines.push(`instructions ${text(instructions)}`);
    for (const c of criteria) lines.push(`criterion ${c.id} ${text(c.title)}`, `  ${text(c.description, 1)}`, "end");
    rubrics.push({ name: `${name}.rubric`, source: finish(lines, item.where) });
  }
  if (items.length === 0 && errors.length === 0) throw new ImportError("no judge prompt found");
  return { rubrics, warnings, errors };
}
