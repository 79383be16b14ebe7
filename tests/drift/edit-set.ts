/** The labelled edit set (tests/fixtures/drift/edits): each edit applied, imported and diffed. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compileSource } from "../../src/compile/index.js";
import { diffRubrics, type RubricDiff } from "../../src/drift/index.js";
import { importJudgePrompt } from "../../src/import/index.js";

const DIR = "tests/fixtures/drift/edits";

export interface Edit {
  readonly id: string;
  readonly base: string;
  readonly label: "attack" | "benign";
  readonly kind: string;
  readonly style: "literal" | "paraphrased" | null;
  readonly split: "dev" | "heldout";
  readonly edits: readonly { find: string; replace: string }[];
}

export const EDITS: Edit[] = readFileSync(join(DIR, "edits.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l));

function ir(prompt: string, name: string) {
  const imported = importJudgePrompt(prompt, { prefix: "", name });
  if (imported.rubrics.length !== 1) throw new Error(`${name}: import failed: ${JSON.stringify(imported.errors)}`);
  const source = imported.rubrics[0]!.source;
  const r = compileSource(source, `${name}.rubric`);
  if (!r.ir) throw new Error(`${name}: does not compile`);
  return { ir: r.ir, source };
}

export function diffEdit(e: Edit): RubricDiff {
  const base = readFileSync(join(DIR, "bases", `${e.base}.txt`), "utf8");
  let edited = base;
  for (const x of e.edits) {
    if (!edited.includes(x.find)) throw new Error(`${e.id}: \`${x.find}\` not in the base`);
    edited = edited.replace(x.find, x.replace);
  }
  const a = ir(base, e.base);
  const b = ir(edited, e.base);
  return diffRubrics(a.ir, b.ir, { newSource: b.source });
}

export function rates(results: readonly { e: Edit; high: boolean }[]) {
  const attacks = results.filter((r) => r.e.label === "attack");
  const benign = results.filter((r) => r.e.label === "benign");
  const share = (xs: typeof results) => (xs.length ? xs.filter((r) => r.high).length / xs.length : null);
  return {
    tpr: share(attacks),
    fpr: share(benign),
    literal: share(attacks.filter((r) => r.e.style === "literal")),
    paraphrased: share(attacks.filter((r) => r.e.style === "paraphrased")),
    attacks: attacks.length,
    benign: benign.length,
  };
}
