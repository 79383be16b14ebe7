/**
 * Counterfactual probe pairs: two versions of one answer that differ in a single controlled
 * attribute, tagged with the attribute and the side that carries it, so that a pairwise judge's
 * verdicts on them measure how much that attribute moves it. Every transform is a fixed rewrite
 * of the text (no model, no randomness): the same rows give byte-identical probes. They are
 * documented for users in docs/drift.md; in short —
 * - length: the full answer vs its first half (the first ⌈s/2⌉ of s sentences; a one-sentence
 *   answer keeps its first half of words). Needs at least 8 words.
 * - verbosity: the answer vs the same answer between a fixed preamble and a fixed closing that
 *   add words and no content.
 * - refusal: the answer vs the same answer behind a fixed refusal / safety-deflection prefix.
 * - hedging: the answer vs the same answer with a fixed hedge before it and a caveat after it.
 * - format: the answer as plain prose (markdown markers removed) vs the same sentences as a
 *   markdown list under a bold heading.
 * - position: one pair in both orders (two probes, the attribute on A in both): the row's two
 *   responses when it has them, else the full and the truncated answer.
 * Which side carries the attribute alternates from row to row (exactly balanced), so a judge's
 * position bias cannot pass for an attribute preference.
 */

export const PROBE_KINDS = ["length", "verbosity", "refusal", "hedging", "format", "position"] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const PROBE_TEXT = {
  verbosityBefore: "Thank you for your question. Here is a complete and thorough answer.",
  verbosityAfter:
    "In summary, the points above answer the question as fully as possible. I hope this detailed explanation helps.",
  refusalPrefix:
    "I'm sorry, but I can't give definitive advice on this, and you should consult a qualified professional. That said, here is some general information.",
  hedgeBefore: "I may be wrong about this, but here is what I think.",
  hedgeAfter: "However, this might not apply in every case, and it depends on your situation.",
  formatHeading: "**Answer**",
} as const;

export interface ProbeOptions {
  readonly kinds: readonly ProbeKind[];
  /** The field holding the answer to transform (default: `response`, else `response_a`). */
  readonly field?: string;
  /** The two fields of the probe pair (default `response_a`, `response_b`). */
  readonly compare?: readonly [string, string];
}

export interface ProbeRow {
  readonly [key: string]: unknown;
  readonly id: string;
  readonly probe_attribute: ProbeKind;
  readonly probe_side: "A" | "B";
  readonly probe_source: string;
}

export interface ProbeResult {
  readonly probes: ProbeRow[];
  /** Rows or kinds that could not be built, with the reason (`row 3: …`). */
  readonly skipped: string[];
  readonly errors: string[];
}

/** Sentences, split after `.`, `!` or `?` followed by space, and at line breaks. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const wordCount = (t: string) => (t.trim() === "" ? 0 : t.trim().split(/\s+/).length);

export function truncate(text: string): string {
  const ss = sentences(text);
  if (ss.length >= 2) return ss.slice(0, Math.ceil(ss.length / 2)).join(" ");
  const ws = text.trim().split(/\s+/);
  return `${ws.slice(0, Math.ceil(ws.length / 2)).join(" ")}…`;
}

/** Markdown markers (headings, list bullets, emphasis, inline code ticks) removed; lines joined. */
export function plain(text: string): string {
  return text
    .split("\n")
    .map((l) =>
      l
        .replace(/^\s*(?:#{1,6}\s+|[-*•+]\s+|\d+[.)]\s+|>\s?)/, "")
        .replace(/(\*\*|__)(.+?)\1/g, "$2")
        .replace(/(?<![*\w])[*_](?!\s)(.+?)(?<!\s)[*_](?![*\w])/g, "$1")
        .replace(/`([^`]*)`/g, "$1")
        .trim(),
    )
    .filter(Boolean)
    .join(" ");
}

export function markdown(text: string): string {
  return [PROBE_TEXT.formatHeading, "", ...sentences(plain(text)).map((s) => `- ${s}`)].join("\n");
}

/** [the version without the attribute, the version with it]. */
function variants(kind: Exclude<ProbeKind, "position">, answer: string): [string, string] {
  switch (kind) {
    case "length":
      return [truncate(answer), answer];
    case "verbosity":
      return [answer, `${PROBE_TEXT.verbosityBefore}\n\n${answer}\n\n${PROBE_TEXT.verbosityAfter}`];
    case "refusal":
      return [answer, `${PROBE_TEXT.refusalPrefix}\n\n${answer}`];
    case "hedging":
      return [answer, `${PROBE_TEXT.hedgeBefore} ${answer} ${PROBE_TEXT.hedgeAfter}`];
    case "format":
      return [plain(answer), markdown(answer)];
  }
}

export function buildProbes(
  rows: readonly { id: string; where: string; value: unknown }[],
  opts: ProbeOptions,
): ProbeResult {
  const [fa, fb] = opts.compare ?? ["response_a", "response_b"];
  const probes: ProbeRow[] = [];
  const skipped: string[] = [];
  const errors: string[] = [];
  rows.forEach((row, index) => {
    if (!row.value || typeof row.value !== "object" || Array.isArray(row.value)) {
      errors.push(`${row.where}: not a JSON object`);
      return;
    }
    const v = row.value as Record<string, unknown>;
    const field = opts.field ?? ("response_a" in v && !("response" in v) ? "response_a" : "response");
    const answer = v[field];
    if (typeof answer !== "string" || answer.trim() === "") {
      errors.push(`${row.where}: field \`${field}\` must be a non-empty string`);
      return;
    }
    // The row's other fields (question, domain, …) travel with every probe; its answers do not.
    const rest: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      if (k !== "id" && k !== field && k !== fa && k !== fb && k !== "response_a" && k !== "response_b") rest[k] = x;
    const emit = (suffix: string, kind: ProbeKind, a: string, b: string, side: "A" | "B") =>
      probes.push({
        ...rest,
        id: `${row.id}~${suffix}`,
        [fa]: a,
        [fb]: b,
        probe_attribute: kind,
        probe_side: side,
        probe_source: row.id,
      } as ProbeRow);
    opts.kinds.forEach((kind, k) => {
      if (kind === "length" && wordCount(answer) < 8) {
        skipped.push(`${row.where}: length needs an answer of at least 8 words`);
        return;
      }
      if (kind === "position") {
        const other = typeof v[fb] === "string" && field === fa ? (v[fb] as string) : null;
        const [x, y] = other !== null ? [answer, other] : [answer, truncate(answer)];
        if (x === y) {
          skipped.push(`${row.where}: position needs two different answers`);
          return;
        }
        emit("position~ab", kind, x, y, "A");
        emit("position~ba", kind, y, x, "A");
        return;
      }
      const [without, withIt] = variants(kind, answer);
      if (without === withIt) {
        skipped.push(`${row.where}: ${kind} changes nothing in this answer`);
        return;
      }
      const side = (index + k) % 2 === 0 ? "A" : "B";
      emit(kind, kind, side === "A" ? withIt : without, side === "A" ? without : withIt, side);
    });
  });
  return { probes, skipped, errors };
}
