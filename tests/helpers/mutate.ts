/** Source mutations for fuzzing: delete, duplicate, swap and inject pieces of real rubrics. */
export const TOKENS_OF_THE_LANGUAGE = [
  "rubric",
  "part",
  "version",
  "1.0.0",
  "1.2",
  "title",
  '"t"',
  '"""\nblock\n"""',
  "mode",
  "pointwise",
  "pairwise",
  "compare",
  "and",
  "or",
  "swap",
  "order",
  "ties",
  "allowed",
  "input",
  "response",
  ",",
  "quotable",
  "scale",
  "1",
  "to",
  "5",
  "..",
  "step",
  "0.5",
  "pass",
  "fail",
  "judge",
  "temperature",
  "samples",
  "evidence",
  "before",
  "verdict",
  "quote",
  "match",
  "if",
  "fails",
  "then",
  "unmet",
  "flag",
  "retry",
  "cap",
  "score",
  "at",
  "least",
  "most",
  "words",
  "from",
  "section",
  "criterion",
  "c1",
  "binary",
  "checklist",
  "levels",
  "end",
  "weight",
  "points",
  "-3",
  "gate",
  "when",
  "is",
  "met",
  "not",
  "level",
  "below",
  "check",
  "of",
  "between",
  "contains",
  "matches",
  "/a+b/i",
  "valid",
  "json",
  "equals",
  "as",
  "number",
  "within",
  "aggregate",
  "weighted",
  "mean",
  "rounding",
  "half",
  "up",
  "per",
  "item",
  "criteria",
  "import",
  '"x.rubric"',
  "sha256:00",
  "#c\n",
  ":",
  '"',
  '"""',
];

export function mutateSource(text: string, seeds: readonly number[]): string {
  let s = text;
  for (const seed of seeds) {
    if (s.length === 0) break;
    const at = seed % s.length;
    const len = 1 + ((seed >> 3) % 40);
    switch (seed % 5) {
      case 0:
        s = s.slice(0, at) + s.slice(at + len);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      case 2:
        s = `${s.slice(0, at) + TOKENS_OF_THE_LANGUAGE[seed % TOKENS_OF_THE_LANGUAGE.length]} ${s.slice(at)}`;
        break;
      case 3: {
        const other = (seed * 7919) % s.length;
        const [a, b] = at < other ? [at, other] : [other, at];
        s = s.slice(0, a) + s.slice(b, b + len) + s.slice(a + len, b) + s.slice(a, a + len) + s.slice(b + len);
        break;
      }
      default:
        s = s.slice(0, at) + String.fromCharCode(seed % 0x2fff) + s.slice(at + 1);
    }
  }
  return s;
}
