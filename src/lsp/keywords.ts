/**
 * What each keyword means, for hovers, with the grammar/spec.md section that defines it. The
 * keywords themselves come from the lexer; a keyword missing here still gets a hover that links
 * the spec, so a new keyword never breaks the editor (tests list the ones without a note).
 */
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface KeywordDoc {
  /** Heading of the grammar/spec.md section, as written there. */
  readonly section: string;
  readonly text: string;
}

const doc = (section: string, text: string): KeywordDoc => ({ section, text });

export const KEYWORD_DOCS: Readonly<Record<string, KeywordDoc>> = {
  rubric: doc("Header", "Starts a rubric: `rubric <id> version <x.y.z>`. The id and version are what a lock pins."),
  part: doc("Header", "Starts a part meant to be imported: `part <id> version <x.y.z>`."),
  version: doc("Header", "The semver version of the rubric or part; bump it for every change of meaning."),
  title: doc("Header", "A human-readable title; also the first text after a criterion, check or gate id."),
  description: doc("Header", "What the rubric is for; shown to readers, not a scoring rule."),
  tags: doc("Per-tag sub-scores", "A comma-separated list of names; tagged criteria get per-tag sub-scores."),
  mode: doc("Mode", "`mode pointwise` scores one response; `mode pairwise … end` compares two."),
  pointwise: doc("Mode", "The judge assesses one item and the result is a score (the default)."),
  pairwise: doc("Mode", "The judge compares two inputs; the result is a preference (A = 1, tie = 0.5, B = 0)."),
  compare: doc("Mode", "`compare <a> and <b>`: the two declared inputs a pairwise rubric compares."),
  swap: doc("Mode", "`swap order` judges both orders to cancel position bias."),
  ties: doc("Mode", "`ties allowed` (the default) or `no ties`."),
  disagrees: doc("Mode", "`if order disagrees then tie|flag`: what an order-inconsistent pair becomes."),
  input: doc(
    "Inputs",
    '`input <name> [kind] ["description"][, quotable]`: a named field of each data row, shown to the judge.',
  ),
  text: doc("Input kinds", "`input <name> text`: plain text (the default kind)."),
  conversation: doc(
    "Input kinds",
    "`input <name> conversation`: OpenAI-style chat messages, with assistant tool calls and tool results; quotes cite their turn and field.",
  ),
  reference: doc(
    "Input kinds",
    "`input <name> reference`: a reference answer the judge may compare against; never quotable, and a quote found only there is refused.",
  ),
  image: doc(
    "Input kinds",
    "`input <name> image`: an https URL or base64 data URL (PNG, JPEG, GIF, WebP, at most 5 MB), sent to the judge as an image part.",
  ),
  in: doc(
    "Evidence inside conversations",
    "`evidence … in <role> turns` or `in tool calls`: quotes from a conversation only from one role's messages or the tool call arguments.",
  ),
  turns: doc(
    "Deterministic checks",
    "`turns of <conversation> between N and M`: counts messages; `in <role> turns` scopes evidence.",
  ),
  calls: doc(
    "Deterministic checks",
    "`<conversation> calls tool <name> [with arguments matching <schema>]`: an assistant message called the tool.",
  ),
  call: doc(
    "Deterministic checks",
    "`<conversation> does not call tool <name>`: no assistant message called the tool.",
  ),
  tool: doc("Deterministic checks", "`calls tool <name>`; in evidence, `in tool calls`."),
  last: doc(
    "Deterministic checks",
    "`last <role> message of <conversation> <test>`: a text test on the last message by that role.",
  ),
  message: doc("Deterministic checks", "`last <role> message of <conversation>`."),
  with: doc("Deterministic checks", "`calls tool <name> with arguments matching <JSON Schema>`."),
  arguments: doc(
    "Deterministic checks",
    "`with arguments matching <JSON Schema>`: some call's arguments, parsed as JSON, match the schema (ajv).",
  ),
  quotable: doc("Inputs", "Marks an input that evidence may be quoted from."),
  scale: doc("Scale", "`scale <min> to <max> [step <s>]` or `scale pass or fail`: the range of the final score."),
  step: doc("Scale", "The scale's resolution; the range must be a whole number of steps (default 1)."),
  instructions: doc("Instructions", "Free-form prose for the judge; with no criteria the rubric is holistic."),
  judge: doc("Judge settings", "`judge … end`: decoding settings pinned in the bundle and its hash."),
  temperature: doc("Judge settings", "Sampling temperature of the judge, 0 to 2."),
  samples: doc("Judge settings", "Judge each item K times (1 to 100); median score, strict-majority verdicts."),
  seed: doc("Judge settings", "The seed passed to the judge, where the provider supports one."),
  tokens: doc("Judge settings", "`max tokens <n>`: the judge's output token limit."),
  reasoning: doc(
    "Judge settings",
    "`reasoning effort <none…max>` or `reasoning budget <tokens>`: settings for reasoning models, checked against the model capabilities table before any call.",
  ),
  effort: doc("Judge settings", "`reasoning effort <none | minimal | low | medium | high | xhigh | max>`."),
  budget: doc(
    "Judge settings",
    "`reasoning budget <n>`: thinking tokens allowed before the answer (Anthropic, Gemini).",
  ),
  each: doc(
    "Judge settings",
    "`each criterion separately`: one judge call per criterion, as HealthBench's grader asks.",
  ),
  separately: doc(
    "Judge settings",
    "`each criterion separately`: one judge call per criterion instead of one for all.",
  ),
  verdict: doc(
    "Judge settings",
    "`evidence before verdict` (the default) or `verdict before evidence`: the answer's order.",
  ),
  match: doc(
    "Judge settings",
    "`quote match <t>`: the fuzzy similarity a quote needs to count as found (default 0.9).",
  ),
  evidence: doc(
    "Evidence",
    "`evidence [at least N quotes] [at most N quotes] [from <input>] [, at least N words] [, at most N words]`: the quotes a verdict must cite; each is checked against the named input, and a quote under N words (3 unless stated) does not count.",
  ),
  quote: doc("Evidence", "A passage copied from an input; counted by `evidence at least N quotes`."),
  quotes: doc("Evidence", "A passage copied from an input; counted by `evidence at least N quotes`."),
  fails: doc("Evidence", "`if evidence fails then unmet | flag | retry | cap at N`; in gates, `<check> fails`."),
  unmet: doc("Evidence", "The criterion counts as not met."),
  flag: doc("Evidence", "The item is flagged for review."),
  retry: doc("Evidence", "The criterion is judged once more."),
  section: doc("Criteria", '`section "Title" … end` groups criteria and checks; it does not change scoring.'),
  criterion: doc(
    "Criteria",
    '`criterion <id> ["title"] … end`: one thing the judge assesses, with a kind, a weight or points and evidence rules.',
  ),
  binary: doc("Criteria", "Kind: met or unmet (the default when there are no levels)."),
  checklist: doc("Criteria", "Kind: 0 not addressed, 1 partly, 2 fully."),
  levels: doc(
    "Levels",
    "`levels … end`: ordinal levels, each with an anchor text; every whole level from lowest to highest needs one.",
  ),
  weight: doc("Criteria", "`weight <n>` (n ≥ 0): the criterion's say in the weighted mean. Without it, 1."),
  points: doc(
    "Criteria",
    "`points <n>`: HealthBench-style points; negative points are penalties (met means the fault is there).",
  ),
  check: doc(
    "Deterministic checks",
    "`check <id> … end`: a test run locally, without the judge (counts, regex, contains, JSON, equals).",
  ),
  words: doc(
    "Deterministic checks",
    "`words of <input> between N and M`: a whitespace-separated word count; in evidence, a quote length limit.",
  ),
  characters: doc("Deterministic checks", "`characters of <input> …`: a count of Unicode code points."),
  matches: doc("Deterministic checks", "`<input> matches /regex/flags`."),
  contains: doc("Deterministic checks", '`<input> contains "text" [ignoring case]`.'),
  valid: doc("Deterministic checks", '`<input> is valid json [matching """<JSON Schema>"""]`.'),
  json: doc("Deterministic checks", '`<input> is valid json [matching """<JSON Schema>"""]`.'),
  equals: doc(
    "Deterministic checks",
    "`<input> equals <other> [ignoring case] [ignoring whitespace]` or `as number [within t]`.",
  ),
  ignoring: doc("Deterministic checks", "`ignoring case` / `ignoring whitespace` loosens a comparison."),
  gate: doc(
    "Gates",
    "`gate <id> when <condition> cap score at N | set score to N end`: a hard constraint on the score.",
  ),
  when: doc(
    "Gates",
    "The condition that fires a gate: `<ref> is met`, `<check> fails`, `<criterion> level below N`, joined by `and` / `or`.",
  ),
  cap: doc("Gates", "`cap score at N`: the score is at most N when the gate fires."),
  set: doc("Gates", "`set score to N`: the score is N when the gate fires (caps still apply)."),
  met: doc("Gates", "`<ref> is met`: a binary criterion met, a levelled one at its top level, a check passing."),
  passes: doc("Gates", "`<check> passes`."),
  level: doc("Gates", "`<criterion> level below|above|at least|at most|is N`: a condition on a levelled criterion."),
  aggregate: doc(
    "Aggregation and rounding",
    "`aggregate weighted mean | points | minimum | sum`: how item values combine into the score.",
  ),
  rounding: doc(
    "Aggregation and rounding",
    "`rounding half up | half even | down | up | none`: onto the scale's step.",
  ),
  per: doc("Per-item criteria", "`per item criteria from <field> … end`: each row brings its own criteria."),
  import: doc(
    "Imports",
    '`import "path.rubric" sha256:<hash>`: include a part\'s criteria, checks, gates and sections, pinned by hash.',
  ),
};

/** GitHub-style anchor of a markdown heading, as editors and renderers resolve `#…` links. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

/**
 * The spec shipped with the package: the nearest grammar/spec.md above this module, which sits
 * two levels below the root in src/ but at another depth once the build has bundled it into a
 * command or a chunk of dist/ (scripts/bundle-dist.mjs).
 */
export const SPEC_PATH = ((): string => {
  const up = ["../", "../../", "../../../"].map((d) => fileURLToPath(new URL(`${d}grammar/spec.md`, import.meta.url)));
  return up.find((p) => existsSync(p)) ?? up[1]!;
})();

export function specLink(section: string): string {
  const base = existsSync(SPEC_PATH) ? pathToFileURL(SPEC_PATH).href : "grammar/spec.md";
  return `${base}#${headingAnchor(section)}`;
}
