import { BundleError, readBundle } from "../../bundle/file.js";
import { compileFile, type RubricIR } from "../../compile/index.js";
import { hasErrors } from "../../diagnostics/index.js";
import { diffRubrics, diffText } from "../../drift/index.js";
import { printDiagnostics } from "../diagnostics.js";
import { CliError, parseFlags, writeOut } from "../io.js";
import type { Command } from "../main.js";

const HELP = `usage: rulers diff <a> <b> [--json] [--fail-on high|low]

The semantic diff of two rubrics, each a .rubric source or a bundle.json: criteria added,
removed and renamed (matched by id, then by text), weights and points with each criterion's
share of the total before and after, levels and anchors, scale, gates, checks, aggregation,
mode, judge settings and evidence rules, word-level text changes, and a risk summary of edits
known to move a judge's preferences (tie-break rules, removed bias guards, one-sided
comparisons, emphasis, growth in length, conditional branches, re-weighting), each pointing at
its line in <b> when <b> is a source. --json prints the same as data.

Beyond word patterns, the prose is read sentence by sentence (aligned between the versions):
evaluation factors removed or added, bias guards removed or made one-sided, new decision rules
and value statements, removed criteria written in prose, and changed negations, comparisons or
priorities. Each finding has a risk level (high: it changes what is rewarded or how the verdict
is reached; low: worth a look), and the diff a summary verdict: none, low or high.

options:
  --json             the diff as data (\`verdict\`, \`risk[].risk\`)
  --fail-on LEVEL    exit 3 when the verdict is LEVEL or higher (high, or low for any finding)

Exit 0 (or 3 with --fail-on), 1 on error.`;

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
    throw new CliError(`\`${path}\` does not compile; fix the errors above or give its bundle.json`);
  }
  const source = r.sources.get(path);
  return { ir: r.ir, ...(source !== undefined ? { source } : {}) };
}

export const command: Command = {
  summary: "semantic diff of two rubric versions, with a risk summary",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { json: { type: "boolean" }, "fail-on": { type: "string" } },
      HELP,
    );
    const failOn = values["fail-on"];
    if (failOn !== undefined && failOn !== "high" && failOn !== "low")
      throw new CliError(`\`--fail-on\` must be high or low, got \`${failOn}\``);
    if (positionals.length !== 2) throw new CliError(`give exactly two rubrics to compare\n${HELP}`);
    const a = load(positionals[0]!);
    const b = load(positionals[1]!);
    const diff = diffRubrics(a.ir, b.ir, b.source !== undefined ? { newSource: b.source } : {});
    writeOut(values.json ? JSON.stringify(diff) : diffText(diff));
    const fails = failOn === "high" ? diff.verdict === "high" : failOn === "low" ? diff.verdict !== "none" : false;
    return fails ? 3 : 0;
  },
};
