import {
  DEFAULT_FAIL_ON,
  type DriftReport,
  driftBundles,
  driftJson,
  driftMarkdown,
  driftRuns,
  FAIL_ON_NAMES,
  planDrift,
  readDriftLabels,
  readDriftRun,
  readProbeRows,
} from "../../api/drift.js";
import { writeFileAtomic } from "../../util/atomic.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import type { Command } from "../main.js";
import { JUDGE_FLAGS, loadBundle, probeJudgeOptions, type Values } from "../probe-judging.js";
import { ROW_OPTIONS } from "../row-options.js";

const HELP = `usage: rulers drift --base <bundle> --candidate <bundle> --probe rows.jsonl --model M [judge options] [options]
       rulers drift --from-runs base.jsonl candidate.jsonl [--probe rows.jsonl] [options]
       rulers drift --plan X [--alpha A] [--power P] [--noise-rate R] [--probe rows.jsonl]

Judges the same probe rows under both bundles with the same judge and decoding settings (the
base bundle's; one cache, so a rerun or an earlier run pays nothing twice), or reads two
recorded runs, and reports per slice and overall: items compared, flips (pairwise: the preferred
side changed; pointwise: the score moved at least one scale step), their direction, the mean
shift, an exact test (sign test on the directions; with labels McNemar on correct→wrong vs
wrong→correct; the sign test is always reported), accuracy with labels, which response
features the flips follow, and, on probes made by \`rulers probes\`, how each version's
preference depends on each attribute (length, refusal, position, …: both versions' lean, the
flips along the attribute and their sign test, Holm-adjusted over the attributes).
The rules are in docs/drift.md.

What decides (thresholds are inclusive):
  - a slice's flip rate is at least --max-flip-rate (and it has at least one flip);
  - with labels, McNemar's p ≤ --alpha (accuracy moved);
  - for each name in --fail-on, its directional test gives p ≤ --alpha: \`direction\` the
    overall sign test (pairwise: toward A vs toward B; pointwise: up vs down), \`position\`
    the same pairwise test and the position probes, \`length\`, \`refusal\`, \`hedging\`,
    \`format\` the response feature the flips follow (Holm-adjusted, at least 5 flips) and the
    probe attribute of that name, \`verbosity\` the probe attribute. So flips that all go one
    way decide even when positions are balanced and accuracy is unchanged.
The report gives the minimum detectable flip rate for its item count: the smallest
directional flip rate the sign test finds with 80% power at --alpha.

options:
  --labels FILE         human labels, JSONL {"item_id","label"} or CSV item_id,label
                        (pairwise "A"/"B"/"tie"; pointwise a score, correct when equal after
                        snapping both to the scale's step)
  --slice-by FIELD      report per value of FIELD (read from the probe row, else the record)
  --max-flip-rate R     a slice drifts when its flip rate is R or more (default 0.1)
  --alpha A             level of every test (default 0.05; 0 turns the tests off)
  --fail-on NAMES       comma list of what decides besides the flip rate and McNemar:
                        direction, position, length, verbosity, refusal, hedging, format,
                        all or none (default direction,length,refusal,position)
  --plan X              no judging: how many probes detect a directional flip rate X
                        (0.05 or 5%) with --power (default 0.8) at --alpha, allowing for
                        --noise-rate R (undirected judge flips, default 0); with --probe,
                        also the minimum detectable flip rate for that many rows
  --step S              pointwise: the change that counts as a flip (default: the scale's step)
  --text-field F        pointwise: the probe field holding the response (default: response)
  --compare A,B         pairwise: the two probe fields compared (default: the bundle's, else
                        response_a,response_b)
  --json                print the report as JSON
  --report FILE.md      write a Markdown report listing every flipped item with both verdicts
                        and the evidence each side cited
probe rows (--probe: JSONL, CSV, TSV or Parquet):
  --input-format F      jsonl, csv, tsv or parquet (default: by the file's extension, else jsonl)
  --map FIELD=COLUMN    take row field FIELD (an input, \`id\`) from column COLUMN (repeatable)
judge options (live mode, as in rulers judge):
  --model NAME --base-url URL --api-key-env VAR --lock FILE --concurrency N --samples K
  --max-retries N --timeout-s S --format json_schema|json --max-repairs N --max-input-chars N
  --limit N --cache FILE (default drift.cache.jsonl) --keep-runs PREFIX (write PREFIX.base.jsonl
  and PREFIX.candidate.jsonl, for --from-runs later)

Exit 0: nothing reaches a threshold; 3: something does (the reasons are printed); 1: error.`;

/** Probe rows in any rows format, with the row flags. */
function readRows(path: string, values: Values) {
  return readProbeRows(path, {
    inputFormat: values["input-format"] as string | undefined,
    map: values.map as string[] | undefined,
    onWarning: writeErr,
  });
}

function printText(r: DriftReport): void {
  const o = r.overall;
  const dir = r.mode === "pairwise" ? ["toward A", "toward B"] : ["up", "down"];
  const line = (name: string, s: typeof o) =>
    `${name}: ${s.n} items, ${s.flips} flips (${((s.flip_rate ?? 0) * 100).toFixed(1)}%; ${s.toward_candidate} ${dir[0]}, ${s.toward_base} ${dir[1]}), ` +
    `mean shift ${s.mean_shift === null ? "–" : s.mean_shift.toFixed(3)}, ${s.test} p = ${s.p_value.toPrecision(3)}` +
    (s.accuracy_base !== undefined
      ? `; accuracy ${((s.accuracy_base ?? 0) * 100).toFixed(1)}% → ${((s.accuracy_candidate ?? 0) * 100).toFixed(1)}% (correct→wrong ${s.correct_to_wrong}, wrong→correct ${s.wrong_to_correct})`
      : "") +
    (s.drift ? "  DRIFT" : "");
  writeOut(
    `${r.mode} on ${r.score_field}; ${r.excluded} excluded (${r.excluded_detail.failed} failed, ${r.excluded_detail.unmatched} in one run only, ${r.excluded_detail.duplicate} duplicates)`,
  );
  writeOut(line("overall", o));
  for (const [k, s] of Object.entries(r.slices)) writeOut(line(`  ${k}`, s));
  for (const f of r.features) writeOut(`  ${f.follows ? "follows" : "       "} ${f.feature}: ${f.summary}`);
  for (const a of r.attributes) writeOut(`  attribute ${a.attribute}: ${a.summary}`);
  if (r.min_detectable_flip_rate !== null)
    writeOut(
      `minimum detectable directional flip rate for ${o.n} items: ${(r.min_detectable_flip_rate * 100).toFixed(2)}% (80% power)`,
    );
  for (const reason of r.reasons) writeOut(`drift: ${reason}`);
  writeOut(r.drift ? "drift beyond the thresholds" : "no drift beyond the thresholds");
}

function parseFailOn(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_FAIL_ON];
  const names = value
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.includes("none")) return [];
  if (names.includes("all")) return [...FAIL_ON_NAMES];
  const bad = names.filter((n) => !FAIL_ON_NAMES.includes(n));
  if (bad.length)
    throw new CliError(
      `\`--fail-on\`: unknown name ${bad.map((b) => `\`${b}\``).join(", ")}; use ${FAIL_ON_NAMES.join(", ")}, all or none`,
    );
  return names;
}

function rateFlag(value: string, flag: string): number {
  const pct = value.trim().endsWith("%");
  const n = Number(pct ? value.trim().slice(0, -1) : value);
  const x = pct ? n / 100 : n;
  if (!Number.isFinite(x) || x <= 0 || x >= 1)
    throw new CliError(`\`--${flag}\` must be a rate between 0 and 1 (0.05 or 5%), got \`${value}\``);
  return x;
}

/** `--plan`: sample sizes, without judging anything. */
async function plan(values: Values, alpha: number): Promise<number> {
  if (alpha <= 0) throw new CliError("`--plan` needs a test level: give --alpha above 0");
  const f = rateFlag(values.plan as string, "plan");
  const power = numberFlag(values.power as string | undefined, "power", 0.8, { min: 0.01 });
  if (power >= 1) throw new CliError(`\`--power\` must be below 1, got \`${values.power}\``);
  const noise = values["noise-rate"] !== undefined ? rateFlag(values["noise-rate"] as string, "noise-rate") : 0;
  if (f + noise > 1) throw new CliError("`--plan` plus `--noise-rate` exceeds 1");
  const probePath = values.probe as string | undefined;
  const probes = probePath ? (await readRows(probePath, values)).rows.length : undefined;
  const out = planDrift(f, { alpha, power, noiseRate: noise, ...(probes !== undefined ? { probes } : {}) });
  const n = out.probes_needed;
  if (values.json) writeOut(JSON.stringify(out));
  else {
    writeOut(
      n === null
        ? `more than 10,000,000 probes are needed to detect a ${(f * 100).toFixed(2)}% directional flip rate`
        : `${n} probes detect a ${(f * 100).toFixed(2)}% directional flip rate with ${Math.round(power * 100)}% power at alpha ${alpha}` +
            (noise ? ` over ${(noise * 100).toFixed(2)}% undirected judge noise` : ""),
    );
    if (out.probes !== undefined)
      writeOut(
        `${out.probes} probes in ${probePath}: minimum detectable flip rate ${((out.min_detectable_flip_rate as number) * 100).toFixed(2)}%`,
      );
  }
  return 0;
}

export const command: Command = {
  summary: "does a rubric edit move the judge's preferences, and where?",
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        base: { type: "string" },
        candidate: { type: "string" },
        probe: { type: "string" },
        "from-runs": { type: "boolean" },
        labels: { type: "string" },
        "slice-by": { type: "string" },
        "max-flip-rate": { type: "string" },
        alpha: { type: "string" },
        step: { type: "string" },
        "text-field": { type: "string" },
        compare: { type: "string" },
        json: { type: "boolean" },
        report: { type: "string" },
        ...JUDGE_FLAGS,
        ...ROW_OPTIONS,
        "keep-runs": { type: "string" },
        "fail-on": { type: "string" },
        plan: { type: "string" },
        power: { type: "string" },
        "noise-rate": { type: "string" },
      },
      HELP,
    );
    // Flags are checked before anything is read or judged.
    const maxFlipRate = numberFlag(values["max-flip-rate"], "max-flip-rate", 0.1, { min: 0 });
    const alpha = numberFlag(values.alpha, "alpha", 0.05, { min: 0 });
    const step = values.step !== undefined ? numberFlag(values.step, "step", 1, { min: Number.MIN_VALUE }) : undefined;
    let compare: [string, string] | undefined;
    if (values.compare !== undefined) {
      const parts = values.compare.split(",").map((s) => s.trim());
      if (parts.length !== 2 || !parts[0] || !parts[1])
        throw new CliError("`--compare` names two fields, e.g. response_a,response_b");
      compare = [parts[0], parts[1]];
    }
    const failOn = parseFailOn(values["fail-on"]);
    if (values.plan !== undefined) return plan(values, alpha);
    const labels = values.labels ? readDriftLabels(values.labels) : undefined;
    const probeRows = values.probe ? await readRows(values.probe, values) : null;
    if (probeRows && values["from-runs"])
      for (const p of probeRows.problems.slice(0, 3))
        writeErr(`${values.probe}:${p.line}: ${p.message}; the row is skipped`);
    const compareWith = {
      maxFlipRate,
      alpha,
      ...(labels ? { labels } : {}),
      ...(probeRows ? { probe: probeRows } : {}),
      ...(values["slice-by"] ? { sliceBy: values["slice-by"] } : {}),
      ...(step !== undefined ? { step } : {}),
      ...(values["text-field"] ? { textField: values["text-field"] } : {}),
      ...(compare ? { compare } : {}),
      failOn,
      onWarning: writeErr,
    };

    let report: DriftReport;
    if (values["from-runs"]) {
      if (positionals.length !== 2) throw new CliError("`--from-runs` takes two run files: base.jsonl candidate.jsonl");
      if (values.base || values.candidate)
        throw new CliError("give either --from-runs or --base/--candidate, not both");
      const base = readDriftRun(positionals[0]!, writeErr);
      const candidate = readDriftRun(positionals[1]!, writeErr);
      report = driftRuns(base, candidate, compareWith);
    } else {
      if (positionals.length) throw new CliError(`unexpected \`${positionals[0]}\`; recorded runs need --from-runs`);
      if (!values.base || !values.candidate || !probeRows)
        throw new CliError(`give --base, --candidate and --probe (or --from-runs)\n${HELP}`);
      const baseBundle = loadBundle(values.base, values.lock);
      const candBundle = loadBundle(values.candidate, values.lock);
      const keep = values["keep-runs"];
      ({ report } = await driftBundles(baseBundle, candBundle, probeRows, {
        ...compareWith,
        judge: probeJudgeOptions(values, "drift.cache.jsonl"),
        ...(keep ? { keepRuns: keep } : {}),
      }));
    }
    if (values.report) {
      writeFileAtomic(values.report, driftMarkdown(report));
      writeErr(`report → ${values.report}`);
    }
    if (values.json) writeOut(JSON.stringify(driftJson(report)));
    else printText(report);
    return report.drift ? 3 : 0;
  },
};
