/**
 * Behavioural drift from code, as `rulers drift` runs it: judge the same probe rows under two
 * bundles (or read two recorded runs) and compare them — flips, their direction, exact tests,
 * slices, the response features and probe attributes the flips follow — with a verdict.
 * `drift()` (the comparison itself, on records in memory) is the step both modes end with.
 */
import { existsSync } from "node:fs";
import type { Bundle } from "../bundle/types.js";
import { readLabels } from "../calibrate/index.js";
import {
  compareRuns,
  type DriftOptions,
  type DriftReport,
  minimumDetectableFlipRate,
  probesNeeded,
  type Rec,
} from "../drift/index.js";
import { eachRecord, FailureTally, isScored } from "../record/index.js";
import { RulersError } from "../util/errors.js";
import { type JsonlResult, rowId } from "../util/jsonl.js";
import { judgeProbes, type ProbeJudgeOptions } from "./probe-judging.js";

export {
  DEFAULT_FAIL_ON,
  type DriftReport,
  driftJson,
  driftMarkdown,
  FAIL_ON_NAMES,
  type Rec,
} from "../drift/index.js";
export { judgeProbes, type ProbeJudgeOptions, readProbeRows } from "./probe-judging.js";

const stderr = (m: string) => process.stderr.write(`${m}\n`);

/** How two runs are compared; see `rulers drift --help` and docs/drift.md for each rule. */
export interface DriftRunsOptions extends Omit<DriftOptions, "labels" | "probe" | "alpha" | "maxFlipRate"> {
  /** A slice drifts when its flip rate reaches this (inclusive; default 0.1, as `rulers drift`). */
  readonly maxFlipRate?: number;
  /** The level of every test (default 0.05); 0 turns the tests off. */
  readonly alpha?: number;
  /** Human labels: a file (JSONL `{item_id,label}` or CSV) or item_id → label. */
  readonly labels?: string | ReadonlyMap<string, number | string>;
  /** The probe rows the runs judged (`readProbeRows`): slices, features and attributes read them. */
  readonly probe?: JsonlResult;
  /** Warnings (no usable label, skipped rows, …); default: stderr. */
  readonly onWarning?: (message: string) => void;
}

/** Labels of either kind (pairwise A / B / tie, pointwise scores) from a file. */
export function readDriftLabels(path: string): Map<string, number | string> {
  return readLabels(path, { kind: "any" });
}

/** A recorded run, checked against the record contract; its failed items are counted per reason in a warning. */
export function readDriftRun(path: string, onWarning: (message: string) => void = stderr): Rec[] {
  if (!existsSync(path)) throw new RulersError(`cannot read run \`${path}\`: no such file`, { code: "usage" });
  const failures = new FailureTally();
  const out: Rec[] = [];
  eachRecord(path, ({ record, raw }) => {
    if (!isScored(record)) failures.add(record);
    out.push(raw as Rec);
  });
  if (failures.total) onWarning(`${path}: ${failures.describe()}`);
  return out;
}

function probeMap(probe: JsonlResult): Map<string, Record<string, unknown>> {
  return new Map(
    probe.rows
      .filter((r) => r.value && typeof r.value === "object")
      .map((r) => [rowId(r.value, r.line), r.value as Record<string, unknown>]),
  );
}

/**
 * Compare two runs of the same items (records from `judge()`, `readDriftRun` or `readRecords`).
 * Refused when no item was scored in both; what the report cannot vouch for goes to `onWarning`.
 */
export function driftRuns(
  base: readonly Rec[],
  candidate: readonly Rec[],
  options: DriftRunsOptions = {},
): DriftReport {
  const { labels: given, probe, onWarning, alpha = 0.05, maxFlipRate = 0.1, ...rest } = options;
  const warn = onWarning ?? stderr;
  const labels = typeof given === "string" ? readDriftLabels(given) : given;
  const report = compareRuns(base, candidate, {
    ...rest,
    maxFlipRate,
    ...(alpha > 0 ? { alpha } : {}),
    ...(labels ? { labels } : {}),
    ...(probe ? { probe: probeMap(probe) } : {}),
  });
  if (report.overall.n === 0)
    throw new RulersError(
      `no item was scored in both runs (${report.excluded} excluded); check that the runs share item ids`,
      { code: "drift_empty" },
    );
  if (labels && report.overall.labelled === 0)
    warn("warning: no compared item has a usable label; the p-value is that of no discordant pairs");
  for (const w of report.warnings) warn(`warning: ${w}`);
  return report;
}

/** Options of a live drift run: how to judge, where to keep the two runs, how to compare. */
export interface DriftBundlesOptions extends DriftRunsOptions {
  readonly judge: Omit<ProbeJudgeOptions, "keep" | "onWarning">;
  /** Write the two runs to `<keepRuns>.base.jsonl` and `<keepRuns>.candidate.jsonl`. */
  readonly keepRuns?: string;
}

/** A live drift run: the report and both runs' records (row order). */
export interface DriftResult {
  readonly report: DriftReport;
  readonly base: Rec[];
  readonly candidate: Rec[];
}

/**
 * Judge the probe rows under both bundles with the same judge and decoding settings (the base
 * bundle's; one cache, so a rerun pays nothing twice) and compare the runs. Pairwise bundles
 * compare the base's two fields unless `compare` says otherwise; pointwise ones read the
 * response from `response` (else the first quotable input) unless `textField` says otherwise.
 */
export async function driftBundles(
  base: Bundle,
  candidate: Bundle,
  probe: JsonlResult,
  options: DriftBundlesOptions,
): Promise<DriftResult> {
  const bi = base.body.rubric;
  const ci = candidate.body.rubric;
  if (bi.mode.kind !== ci.mode.kind)
    throw new RulersError(
      `the base bundle is ${bi.mode.kind} and the candidate ${ci.mode.kind}; drift compares bundles of the same mode`,
      { code: "usage" },
    );
  const { judge, keepRuns, ...compare } = options;
  const [b, c] = await judgeProbes([base, candidate], probe, {
    ...judge,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(keepRuns ? { keep: [`${keepRuns}.base.jsonl`, `${keepRuns}.candidate.jsonl`] } : {}),
  });
  const fields =
    bi.mode.kind === "pairwise"
      ? { compare: compare.compare ?? ([bi.mode.compare[0], bi.mode.compare[1]] as const) }
      : {
          textField:
            compare.textField ??
            (bi.inputs.some((i) => i.name === "response") ? "response" : bi.inputs.find((i) => i.quotable)?.name),
        };
  const report = driftRuns(b!, c!, {
    ...compare,
    probe,
    ...(fields.compare ? { compare: fields.compare } : {}),
    ...(fields.textField ? { textField: fields.textField } : {}),
  });
  return { report, base: b!, candidate: c! };
}

/** A drift study's size: probes needed for a flip rate, and what a given number of probes can detect. */
export interface DriftPlan {
  readonly flip_rate: number;
  readonly alpha: number;
  readonly power: number;
  readonly noise_rate: number;
  /** Null past 10,000,000. */
  readonly probes_needed: number | null;
  readonly probes?: number;
  readonly min_detectable_flip_rate?: number | null;
}

/**
 * How many probes detect a directional flip rate `flipRate` with `power` (default 0.8) at
 * `alpha` (default 0.05), over `noiseRate` undirected judge flips (default 0); with `probes`,
 * also the minimum detectable flip rate for that many.
 */
export function planDrift(
  flipRate: number,
  opts: {
    readonly alpha?: number;
    readonly power?: number;
    readonly noiseRate?: number;
    readonly probes?: number;
  } = {},
): DriftPlan {
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  const noise = opts.noiseRate ?? 0;
  const rate = (x: number) => Number.isFinite(x) && x > 0 && x < 1;
  if (!rate(flipRate) || !(alpha > 0) || !rate(power) || !(noise === 0 || rate(noise)) || flipRate + noise > 1)
    throw new RulersError(
      "planDrift: flip rate and power must lie between 0 and 1, alpha above 0, the noise rate in [0, 1), and flip rate plus noise at most 1",
      { code: "usage" },
    );
  const o = { alpha, power, noise };
  return {
    flip_rate: flipRate,
    alpha,
    power,
    noise_rate: noise,
    probes_needed: probesNeeded(flipRate, o),
    ...(opts.probes !== undefined
      ? { probes: opts.probes, min_detectable_flip_rate: minimumDetectableFlipRate(opts.probes, o) }
      : {}),
  };
}
