import { existsSync } from "node:fs";
import {
  type AttributeBias,
  AUDIT_ATTRIBUTES,
  biasCard,
  DEFAULT_AUDIT_FAIL_ON as DEFAULT_FAIL_ON,
  judgeForAudit,
  readAuditRun,
} from "../../api/audit.js";
import type { Rec } from "../../api/drift.js";
import { readJsonl } from "../../util/jsonl.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";
import { JUDGE_FLAGS, loadBundle, probeJudgeOptions } from "../probe-judging.js";

const NAMES: readonly string[] = AUDIT_ATTRIBUTES;

const HELP = `usage: rulers audit <bundle> --probe probes.jsonl --model M [judge options] [options]
       rulers audit --from-run run.jsonl --probe probes.jsonl [options]

One rubric's bias card: judges counterfactual probes made by \`rulers probes\` with the bundle
(or reads a recorded run of them) and reports, per attribute, how often the verdict goes to the
side that carries it (ties apart), with an exact binomial test against ½, Holm-adjusted over the
attributes. A judge is expected to prefer the full answer (length) and the answer without a
refusal prefix (refusal); for position, verbosity, hedging and format the content is the same,
so any significant lean is a bias. Pairwise bundles only.

options:
  --alpha A          level of the adjusted tests (default 0.05)
  --fail-on NAMES    attributes whose bias exits 3: ${NAMES.join(", ")}, all or none
                     (default ${DEFAULT_FAIL_ON.join(",")})
  --json             print the card as JSON
judge options (as in rulers judge): --model NAME --base-url URL --api-key-env VAR --lock FILE
  --concurrency N --samples K --max-retries N --timeout-s S --format json_schema|json
  --max-repairs N --max-input-chars N --limit N --cache FILE (default audit.cache.jsonl)
  --keep-run FILE (write the run, for --from-run later)

Exit 0: no bias on a --fail-on attribute; 3: one is biased; 1: error.`;

function printCard(card: AttributeBias[]): void {
  for (const a of card) writeOut(`${a.biased ? "BIASED " : "       "}${a.attribute} (n = ${a.n}): ${a.summary}`);
}

export const command: Command = {
  summary: "a rubric's bias card from counterfactual probes",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        probe: { type: "string" },
        "from-run": { type: "string" },
        "keep-run": { type: "string" },
        alpha: { type: "string" },
        "fail-on": { type: "string" },
        json: { type: "boolean" },
        ...JUDGE_FLAGS,
      },
      HELP,
    );
    const alpha = numberFlag(values.alpha, "alpha", 0.05, { min: 0 });
    const failOn = (values["fail-on"] ?? DEFAULT_FAIL_ON.join(","))
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const bad = failOn.filter((n) => !NAMES.includes(n) && n !== "all" && n !== "none");
    if (bad.length)
      throw new CliError(
        `\`--fail-on\`: unknown name ${bad.map((b) => `\`${b}\``).join(", ")}; use ${NAMES.join(", ")}, all or none`,
      );
    const deciding = failOn.includes("none") ? [] : failOn.includes("all") ? NAMES : failOn;
    if (!values.probe) throw new CliError(`give the probes with --probe (made by \`rulers probes\`)\n${HELP}`);
    if (!existsSync(values.probe)) throw new CliError(`cannot read probe rows \`${values.probe}\`: no such file`);
    const probeRows = readJsonl(values.probe);
    for (const p of probeRows.problems.slice(0, 3))
      writeErr(`${values.probe}:${p.line}: ${p.message}; the row is skipped`);
    let records: Rec[];
    if (values["from-run"]) {
      if (positionals.length) throw new CliError("give either a bundle or --from-run, not both");
      records = readAuditRun(values["from-run"]);
    } else {
      if (positionals.length !== 1) throw new CliError(`give one bundle to audit (or --from-run)\n${HELP}`);
      const bundle = loadBundle(positionals[0]!, values.lock);
      if (bundle.body.rubric.mode.kind !== "pairwise")
        throw new CliError(
          `\`${positionals[0]}\` is a pointwise rubric; probe pairs need a pairwise one (compare response_a and response_b)`,
        );
      records = await judgeForAudit(bundle, probeRows, {
        judge: probeJudgeOptions(values, "audit.cache.jsonl"),
        keepRun: values["keep-run"],
      });
    }
    const { attributes: card, biased: failed } = biasCard(records, probeRows, { alpha, failOn: deciding });
    if (values.json)
      writeOut(JSON.stringify({ alpha, fail_on: deciding, attributes: card, biased: failed.length > 0 }));
    else {
      printCard(card);
      writeOut(
        failed.length
          ? `biased on ${failed.map((a) => a.attribute).join(", ")}`
          : "no bias on the --fail-on attributes",
      );
    }
    return failed.length ? 3 : 0;
  },
};
