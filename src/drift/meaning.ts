/**
 * What a prose edit does to a judge, read from the structure of its sentences rather than from
 * trigger words alone. Each text of the old and new rubric is cut into sentences (list items
 * count as sentences); sentences are aligned by the content words they share (Dice ≥ 0.5 on
 * stemmed words, best pairs first); what is left over was removed or added. Then:
 * - evaluation factors: enumerations ("helpfulness, relevance, accuracy and depth") are read as
 *   factor lists; a factor whose words vanish from the whole new text was removed, one whose
 *   words appear nowhere in the old text was added (high);
 * - bias guards: a sentence with a negation, an influence verb and a known bias dimension
 *   (length, position, identity, style) guards that dimension. A guard whose dimension is no
 *   longer guarded anywhere was removed; one that named the dimension (or both of its poles) and
 *   now names only one pole ("because it is longer") became one-sided (high);
 * - added sentences: a decision rule (it says which answer to choose, prefer, rate higher, or
 *   what deserves credit) is high; a declarative value statement bringing concepts the old
 *   rubric did not have is high; an example, an instruction about the judge's own procedure or
 *   about what to inspect, a definition of an existing factor, a note about the input (the
 *   question, not the responses), or a restatement is low;
 * - removed sentences: high unless an example or procedure (deleting prose is how criteria
 *   written in prose disappear);
 * - changed sentences: high when a negation, a decision word, a comparative or superlative, or a
 *   priority phrase ("mainly", "in order of importance") came or went; otherwise rewording (low).
 * The word classes used are closed grammatical classes (negations, comparatives, the verbs of
 * choosing) and the bias dimensions, not lists of suspicious phrases.
 */

export type MeaningKind =
  | "factor-removed"
  | "factor-added"
  | "guard-removed"
  | "guard-one-sided"
  | "decision-rule-added"
  | "value-statement-added"
  | "prose-removed"
  | "rule-changed"
  | "sentence-added"
  | "sentence-removed"
  | "reworded";

export interface MeaningChange {
  readonly kind: MeaningKind;
  readonly risk: "low" | "high";
  readonly message: string;
  /** The sentence (new, or old for a removal) it concerns. */
  readonly text: string;
  readonly before?: string;
}

const STOP = new Set(
  (
    "a an the and or nor but if then else when whenever while of to in on at by for with from as into onto about over under " +
    "is are was were be been being am do does did done has have had having it its this that these those there here " +
    "which who whom whose what where how why than so such also very just more most less least not no never only any all " +
    "each every either neither both one two some other own same can could may might must shall should will would you your " +
    "yours they them their we our us he she his her i me my let make made ensure whether because"
  ).split(" "),
);

export function stem(word: string): string {
  let w = word.toLowerCase().replace(/['’]s$/, "");
  for (const [suffix, keep] of [
    ["fulness", 0],
    ["iveness", 0],
    ["ness", 0],
    ["ities", 0],
    ["ity", 0],
    ["ies", 0],
    ["ing", 3],
    ["ed", 3],
    ["ly", 3],
    ["es", 3],
    ["s", 3],
    ["ful", 3],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= Math.max(keep, 3) && !(suffix === "s" && w.endsWith("ss"))) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w.replace(/e$/, "");
}

const tokens = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+(?:['’-][\p{L}]+)*/gu) ?? [];
export const contentStems = (s: string) =>
  tokens(s)
    .filter((t) => !STOP.has(t) && t.length > 2)
    .map(stem);

/** Sentences and list items, list markers removed. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?:])\s+(?=[A-Z0-9"“([<])/))
    .map((s) => s.replace(/^\s*(?:\d+[.)]|[-*•])\s+/, "").trim())
    .filter((s) => /[\p{L}]/u.test(s));
}

function dice(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  let shared = 0;
  for (const x of b) {
    const n = counts.get(x) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(x, n - 1);
    }
  }
  return (2 * shared) / (a.length + b.length);
}

const NEGATION =
  /\b(?:not|no|never|nor|neither|without|avoid\w*|regardless|irrespective|ignor\w*|disregard\w*)\b|n['’]t\b/i;
const INFLUENCE =
  /\b(?:influenc\w*|affect\w*|bias\w*|sway\w*|favou?r\w*|credit|prefer\w*|matter\w*|count\w*|penali[sz]\w*|reward\w*|judge\w*|decid\w*|factor\w*)\b/i;
const DIMENSIONS: Readonly<Record<string, { noun: RegExp; poles: readonly RegExp[] }>> = {
  length: {
    noun: /\b(?:length|verbosity|word count)\b/i,
    poles: [
      /\b(?:long(?:er|est)?|verbose|wordy|more detailed|lengthy)\b/i,
      /\b(?:short(?:er|est)?|brief(?:er)?|concise|terse)\b/i,
    ],
  },
  position: {
    noun: /\b(?:order|position\w*|presented|appear\w*)\b/i,
    poles: [/\bfirst\b/i, /\b(?:second|last)\b/i],
  },
  identity: { noun: /\b(?:names?|identit\w*|brand)\b/i, poles: [] },
  style: { noun: /\b(?:style|formatting|tone)\b/i, poles: [] },
};
const DECISION =
  /\b(?:prefer\w*|favou?r\w*|choose|chos\w+|pick\w*|select\w*|win\w*|rank\w*|credit|penali[sz]\w*|reward\w*|deserv\w*|tie[sd]?|give (?:it|them|the \w+) |rat(?:e|ed|ing) (?:it |them |\w+ \w+ )?(?:higher|lower|above|below)|at (?:least|most) \d+|score \w+ (?:higher|lower))/i;
const DIRECTION =
  /\b(?:more|less|most|least|fewer|better|worse|best|worst|higher|lower|stronger|weaker|longer|shorter|safer|superior|inferior)\b/gi;
const PRIORITY =
  /\b(?:mainly|mostly|primarily|chiefly|above all|first and foremost|most important\w*|matters? most|order of (?:importance|priority)|more important than|outweigh\w*|only when|only if)\b/i;
const EXAMPLE = /\b(?:for example|for instance|e\.g\.|to illustrate|as an example)\b/i;
const PROCESS =
  /\b(?:explanation|explain|reasoning|reason carefully|step by step|your own answer|before (?:deciding|judging|writing|reading|you)|read (?:both|the|each|all)|take your time|output|write your|keep your)\b/i;
const INSPECT =
  /^(?:(?:if|when|where|whenever|for)\b[^,]*,\s*)?(?:also\s+)?(?:check|consider|look|verify|note|see|compare|make sure|pay attention|read|examine|start|begin|take)\b/i;
// A sentence about the task's input, not about the responses: it describes, it does not value.
const ABOUT_INPUT =
  /^(?:the |some |many |a |an |most )?(?:user(?:'s)? )?(?:questions?|prompts?|requests?|conversations?|tasks?|inputs?)\b/i;
const RESPONSE_NOUN = /\b(?:respons\w*|answers?|repl(?:y|ies)|assistants?|outputs?)\b/i;
const DEFINITION = /^(?:the\s+)?([\p{L}-]+)\s+(?:means|refers to|is defined as|is about|covers)\b/iu;

interface Guard {
  readonly dimension: string;
  readonly symmetric: boolean;
  readonly sentence: string;
}

function guardsOf(sentence: string): Guard[] {
  if (!NEGATION.test(sentence) || !(INFLUENCE.test(sentence) || /\bbias/i.test(sentence))) return [];
  const out: Guard[] = [];
  for (const [dimension, d] of Object.entries(DIMENSIONS)) {
    const poles = d.poles.filter((p) => p.test(sentence)).length;
    if (d.noun.test(sentence) || poles > 0)
      out.push({ dimension, symmetric: d.noun.test(sentence) || poles >= 2 || d.poles.length === 0, sentence });
  }
  return out;
}

// Clause and phrase openers: a segment starting with one elaborates, it is not a list item.
const SUBORDINATE =
  /^(?:where|when|whenever|if|unless|which|that|because|while|as|then|so|but|although|though|including|such as|for|like|especially|with|without|by|in|on|at|from|to|of)\b/i;

/**
 * Items of enumerations in a sentence, each as its content stems: comma-separated segments, at
 * least three items, the last joined by "and" / "or"; inner items are short (at most 4 words) and
 * do not open a clause ("where it matters" is not an item).
 */
export function factorLists(sentence: string): string[][][] {
  const segs = sentence.replace(/[.!?]$/, "").split(/\s*,\s*/);
  if (segs.length < 2) return [];
  const last = segs[segs.length - 1]!;
  const joined = /^(?:and|or)\s+/i.test(last) ? [last.replace(/^(?:and|or)\s+/i, "")] : last.split(/\s+(?:and|or)\s+/i);
  if (!/^(?:and|or)\s+/i.test(last) && joined.length < 2) return [];
  const inner = segs.slice(1, -1);
  if (inner.some((x) => x.split(/\s+/).length > 4 || SUBORDINATE.test(x))) return [];
  const head = segs[0]!.split(/\s+/);
  const first = head.slice(-1).join(" ");
  // The last item runs into the rest of the sentence: keep its head ("level of detail of the response").
  const tail = joined.map((x) =>
    x
      .split(/\s+(?:of (?:the|their|its)|in|for|that|which|when)\s+/)[0]!
      .split(/\s+/)
      .slice(0, 4)
      .join(" "),
  );
  const items = [first, ...inner, ...tail];
  const lastSeg = last.replace(/^(?:and|or)\s+/i, "");
  if (items.length < 3 || SUBORDINATE.test(first) || SUBORDINATE.test(lastSeg) || tail.some((x) => SUBORDINATE.test(x)))
    return [];
  return [items.map((c) => contentStems(c)).filter((x) => x.length > 0)];
}

const directions = (s: string) => new Set((s.match(DIRECTION) ?? []).map((w) => w.toLowerCase()));
const negations = (s: string) =>
  new Set((s.match(new RegExp(NEGATION.source, "gi")) ?? []).map((w) => w.toLowerCase().replace("n’t", "n't")));
const setsDiffer = (a: Set<string>, b: Set<string>) => a.size !== b.size || [...a].some((x) => !b.has(x));
const clip = (s: string) => (s.length > 90 ? `${s.slice(0, 87)}…` : s);

interface Prepared {
  readonly oldAll: string;
  readonly newAll: string;
  readonly oldVocab: Set<string>;
  readonly newVocab: Set<string>;
  readonly newGuards: Guard[];
}

// The whole-rubric context is the same for every text of one diff: computed once, not per text.
let prepared: Prepared | null = null;

function prepare(oldAll: string, newAll: string): Prepared {
  if (prepared && prepared.oldAll === oldAll && prepared.newAll === newAll) return prepared;
  prepared = {
    oldAll,
    newAll,
    oldVocab: new Set(contentStems(oldAll)),
    newVocab: new Set(contentStems(newAll)),
    newGuards: sentencesOf(newAll).flatMap(guardsOf),
  };
  return prepared;
}

/** The meaning changes between two versions of one text. `context` is every old / new text, for factor and guard checks. */
export function meaningChanges(
  oldText: string,
  newText: string,
  context: { readonly oldAll: string; readonly newAll: string },
): MeaningChange[] {
  const olds = sentencesOf(oldText);
  const news = sentencesOf(newText);
  const oStems = olds.map(contentStems);
  const nStems = news.map(contentStems);
  const { oldVocab, newVocab, newGuards } = prepare(context.oldAll, context.newAll);
  const out: MeaningChange[] = [];

  // Align: identical sentences first, then the most similar pairs.
  const matchO = new Map<number, number>();
  const matchN = new Map<number, number>();
  olds.forEach((s, i) => {
    const j = news.findIndex((t, k) => t === s && !matchN.has(k));
    if (j >= 0) {
      matchO.set(i, j);
      matchN.set(j, i);
    }
  });
  const cands: { i: number; j: number; sim: number }[] = [];
  olds.forEach((_, i) => {
    if (matchO.has(i)) return;
    news.forEach((_, j) => {
      if (matchN.has(j)) return;
      const sim = dice(oStems[i]!, nStems[j]!);
      if (sim >= 0.5) cands.push({ i, j, sim });
    });
  });
  cands.sort((x, y) => y.sim - x.sim || x.i - y.i || x.j - y.j);
  for (const c of cands) {
    if (matchO.has(c.i) || matchN.has(c.j)) continue;
    matchO.set(c.i, c.j);
    matchN.set(c.j, c.i);
  }

  // Factors: items of enumerations, judged against the whole of the other version.
  const factorStems = (ss: string[]) => ss.flatMap((s) => factorLists(s).flat(2));
  for (const f of new Set(factorStems(olds)))
    if (!newVocab.has(f))
      out.push({ kind: "factor-removed", risk: "high", message: `evaluation factor \`${f}…\` was removed`, text: f });
  for (const f of new Set(factorStems(news)))
    if (!oldVocab.has(f))
      out.push({ kind: "factor-added", risk: "high", message: `evaluation factor \`${f}…\` was added`, text: f });

  // Guards, per dimension, over the whole rubric.
  for (const g of olds.flatMap(guardsOf)) {
    const now = newGuards.filter((n) => n.dimension === g.dimension);
    if (now.length === 0)
      out.push({
        kind: "guard-removed",
        risk: "high",
        message: `the guard against ${g.dimension} bias is gone: \`${clip(g.sentence)}\``,
        text: g.sentence,
      });
    else if (g.symmetric && !now.some((n) => n.symmetric))
      out.push({
        kind: "guard-one-sided",
        risk: "high",
        message: `the ${g.dimension} guard now covers one direction only: \`${clip(now[0]!.sentence)}\` (was \`${clip(g.sentence)}\`)`,
        text: now[0]!.sentence,
        before: g.sentence,
      });
  }

  news.forEach((s, j) => {
    const i = matchN.get(j);
    if (i !== undefined) {
      const o = olds[i]!;
      if (o === s) return;
      const why: string[] = [];
      if (setsDiffer(negations(o), negations(s))) why.push("a negation changed");
      if (DECISION.test(s) && !DECISION.test(o)) why.push("it now decides the verdict");
      if (setsDiffer(directions(o), directions(s))) why.push("a comparison changed");
      if (PRIORITY.test(s) && !PRIORITY.test(o)) why.push("it now ranks what matters");
      const guardOnly = guardsOf(o).length > 0 && guardsOf(s).length > 0;
      out.push(
        why.length && !guardOnly
          ? { kind: "rule-changed", risk: "high", message: `${why.join("; ")}: \`${clip(s)}\``, text: s, before: o }
          : { kind: "reworded", risk: "low", message: `reworded: \`${clip(s)}\``, text: s, before: o },
      );
      return;
    }
    if (guardsOf(s).length) {
      out.push({ kind: "sentence-added", risk: "low", message: `guard added: \`${clip(s)}\``, text: s });
      return;
    }
    const example = EXAMPLE.test(s);
    if (!example && (DECISION.test(s) || PRIORITY.test(s))) {
      out.push({ kind: "decision-rule-added", risk: "high", message: `new decision rule: \`${clip(s)}\``, text: s });
      return;
    }
    const def = DEFINITION.exec(s);
    const definesKnown = def !== null && oldVocab.has(stem(def[1]!));
    const novel = nStems[j]!.filter((w) => !oldVocab.has(w));
    const describesInput = ABOUT_INPUT.test(s) && !RESPONSE_NOUN.test(s);
    if (example || PROCESS.test(s) || INSPECT.test(s) || definesKnown || describesInput || novel.length === 0) {
      const what = example
        ? "example"
        : definesKnown
          ? "definition"
          : describesInput
            ? "note on the input"
            : "instruction";
      out.push({ kind: "sentence-added", risk: "low", message: `${what} added: \`${clip(s)}\``, text: s });
      return;
    }
    out.push({
      kind: "value-statement-added",
      risk: "high",
      message: `new value statement (${novel.slice(0, 4).join(", ")}): \`${clip(s)}\``,
      text: s,
    });
  });

  olds.forEach((o, i) => {
    if (matchO.has(i) || guardsOf(o).length) return;
    const minor = EXAMPLE.test(o) || PROCESS.test(o);
    out.push(
      minor
        ? { kind: "sentence-removed", risk: "low", message: `removed: \`${clip(o)}\``, text: o }
        : {
            kind: "prose-removed",
            risk: "high",
            message: `what the rubric asked for was removed: \`${clip(o)}\``,
            text: o,
          },
    );
  });
  return out;
}
