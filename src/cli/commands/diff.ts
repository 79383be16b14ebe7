import { diff as diffOf, diffText } from "../../api/analysis.js";
import { BundleError, readBundle } from "../../api/bundles.js";
import { compile } from "../../api/compile.js";
import { auditDiff, type DiffAudit } from "../../api/diff-audit.js";
import type { RubricIR } from "../../compile/index.js";
import type { RubricDiff } from "../../drift/index.js";
import { RulersError } from "../../util/errors.js";
import { printDiagnostics } from "../diagnostics.js";
import { CliError, numberFlag, parseFlags, writeOut } from "../io.js";
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
  --audit-model M    also ask model M (any OpenAI-compatible endpoint) to classify each changed
                     sentence: effect (none, clarifies, shifts_preference), the attribute it
                     favours, a risk level and a reason, under a strict JSON Schema. Answers are
                     cached (--cache, default diff.audit.cache.jsonl) and recorded with the
                     SHA-256 of their text; a high answer makes the verdict high
  --base-url URL --api-key-env VAR --timeout-s S --max-retries N   as in rulers judge

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
  const r = compile({ file: path });
  if (!r.ir) {
    printDiagnostics(r.diagnostics, r.sources);
    throw new CliError(`\`${path}\` does not compile; fix the errors above or give its bundle.json`);
  }
  const source = r.sources.get(path);
  return { ir: r.ir, ...(source !== undefined ? { source } : {}) };
}

async function auditWithModel(
  values: Record<string, string | boolean | undefined>,
  a: RubricIR,
  b: RubricIR,
  diff: RubricDiff,
): Promise<DiffAudit> {
  const str = (k: string) => values[k] as string | undefined;
  const apiKeyEnv = str("api-key-env");
  if (apiKeyEnv && process.env[apiKeyEnv] === undefined)
    throw new CliError(`\`--api-key-env ${apiKeyEnv}\`: the variable is not set`);
  try {
    return await auditDiff(a, b, diff, {
      model: str("audit-model")!,
      ...(str("base-url") ? { baseURL: str("base-url")! } : {}),
      ...(apiKeyEnv ? { apiKey: process.env[apiKeyEnv]! } : {}),
      timeoutMs: numberFlag(str("timeout-s"), "timeout-s", 120, { min: 0.001 }) * 1000,
      maxRetries: numberFlag(str("max-retries"), "max-retries", 4, { integer: true, min: 0 }),
      ...(str("cache") ? { cache: str("cache")! } : {}),
    });
  } catch (err) {
    if (err instanceof RulersError && err.code === "run_stopped") throw new CliError(`--audit-model: ${err.message}`);
    throw err;
  }
}

export const command: Command = {
  summary: "semantic diff of two rubric versions, with a risk summary",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        json: { type: "boolean" },
        "fail-on": { type: "string" },
        "audit-model": { type: "string" },
        "base-url": { type: "string" },
        "api-key-env": { type: "string" },
        cache: { type: "string" },
        "timeout-s": { type: "string" },
        "max-retries": { type: "string" },
      },
      HELP,
    );
    const failOn = values["fail-on"];
    if (failOn !== undefined && failOn !== "high" && failOn !== "low")
      throw new CliError(`\`--fail-on\` must be high or low, got \`${failOn}\``);
    if (positionals.length !== 2) throw new CliError(`give exactly two rubrics to compare\n${HELP}`);
    const a = load(positionals[0]!);
    const b = load(positionals[1]!);
    const diff = diffOf(a.ir, b.ir, b.source !== undefined ? { newSource: b.source } : {});
    const audited = values["audit-model"] ? await auditWithModel(values, a.ir, b.ir, diff) : null;
    const audit = audited?.audit ?? null;
    const auditVerdict = audited?.auditVerdict ?? null;
    const verdict = audited?.verdict ?? diff.verdict;
    if (values.json)
      writeOut(
        JSON.stringify(
          audit ? { ...diff, verdict, static_verdict: diff.verdict, audit_verdict: auditVerdict, audit } : diff,
        ),
      );
    else {
      writeOut(diffText(diff));
      if (audit) {
        writeOut(`audit by ${values["audit-model"]} (${audit.length} changed sentences):`);
        for (const h of audit) {
          const text = h.after ?? `(removed) ${h.before}`;
          writeOut(
            h.answer
              ? `  ${h.answer.risk} [${h.answer.effect}${h.answer.direction !== "none" ? `, ${h.answer.direction}` : ""}] ${h.where}: \`${text.slice(0, 90)}\` — ${h.answer.reason}`
              : `  ? ${h.where}: ${h.error}`,
          );
        }
        writeOut(`verdict with the audit: ${verdict}`);
      }
    }
    const fails = failOn === "high" ? verdict === "high" : failOn === "low" ? verdict !== "none" : false;
    return fails ? 3 : 0;
  },
};
