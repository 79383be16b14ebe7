import { readFileSync } from "node:fs";
import { BundleError, readBundle } from "../../bundle/file.js";
import { compileFile, type RubricIR } from "../../compile/index.js";
import { hasErrors } from "../../diagnostics/index.js";
import { diffRubrics, diffText, riskFindings } from "../../drift/index.js";
import { printDiagnostics } from "../diagnostics.js";
import { CliError, parseFlags, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers diff <a> <b> [--json]

The semantic diff of two rubrics (sources or bundle.json files): criteria added, removed and
renamed, weights with each criterion's share before and after, levels, scale, gates,
aggregation, mode, judge settings and evidence rules, word-level text changes, and a risk
summary of edit patterns known to move a judge's preferences (pointing at lines of <b> when it
is a source).`;

function load(path: string): { ir: RubricIR; source?: string } {
  if (path.endsWith(".json")) {
    try {
      return { ir: readBundle(path).body.rubric };
    } catch (err) {
      if (err instanceof BundleError) throw new CliError(err.message);
      throw err;
    }
  }
  const r = compileFile(path);
  if (!r.ir || hasErrors(r.diagnostics)) {
    printDiagnostics(r.diagnostics, r.sources);
    throw new CliError(`\`${path}\` does not compile`);
  }
  return { ir: r.ir, source: readFileSync(path, "utf8") };
}

export const command: Command = {
  summary: "semantic diff of two rubric versions, with a risk summary",
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { json: { type: "boolean" } }, HELP);
    if (positionals.length !== 2) throw new CliError(`give exactly two rubrics to compare\n${HELP}`);
    const a = load(positionals[0]!);
    const b = load(positionals[1]!);
    const diff = diffRubrics(a.ir, b.ir);
    const findings = riskFindings(diff, b.source);
    if (values.json) writeOut(JSON.stringify({ ...diff, risk: findings }));
    else writeOut(diffText(diff, findings));
    return 0;
  },
};
