/**
 * One rubric's bias card from counterfactual probes, as `rulers audit` makes it: per probe
 * attribute, how often the verdict goes to the side that carries it, with an exact binomial
 * test against ½ (Holm-adjusted over the attributes). Pairwise bundles only.
 */
import { existsSync } from "node:fs";
import type { Bundle } from "../bundle/types.js";
import { type AttributeBias, attributeBias, type Rec } from "../drift/index.js";
import { RulersError } from "../util/errors.js";
import { type JsonlResult, readJsonl, rowId } from "../util/jsonl.js";
import { judgeProbes, type ProbeJudgeOptions } from "./probe-judging.js";

export type { AttributeBias };

/** The attributes a card reports. */
export const AUDIT_ATTRIBUTES = ["length", "verbosity", "refusal", "hedging", "format", "position"] as const;
/** Where a lean is a bias by default: the content of the two sides is otherwise the same. */
export const DEFAULT_AUDIT_FAIL_ON = ["verbosity", "length", "refusal", "position"] as const;

/** A recorded run of the probes (JSONL records with an `item_id`). */
export function readAuditRun(path: string): Rec[] {
  if (!existsSync(path)) throw new RulersError(`cannot read run \`${path}\`: no such file`, { code: "usage" });
  const { rows, problems } = readJsonl(path);
  if (problems.length) throw new RulersError(`${path}:${problems[0]!.line}: ${problems[0]!.message}`, { code: "data" });
  return rows.map((r) => {
    const v = r.value as Rec | null;
    if (!v || typeof v !== "object" || typeof v.item_id !== "string")
      throw new RulersError(`${path}:${r.line}: not a run record (no string \`item_id\`)`, { code: "data" });
    return v;
  });
}

/** Judge the probes with a pairwise bundle; `keepRun` writes the run for a later `readAuditRun`. */
export async function judgeForAudit(
  bundle: Bundle,
  probe: JsonlResult,
  opts: { readonly judge: Omit<ProbeJudgeOptions, "keep">; readonly keepRun?: string | undefined },
): Promise<Rec[]> {
  const ir = bundle.body.rubric;
  if (ir.mode.kind !== "pairwise")
    throw new RulersError(
      `\`${ir.id}@${ir.version}\` is a pointwise rubric; probe pairs need a pairwise one (compare response_a and response_b)`,
      { code: "usage" },
    );
  const [records] = await judgeProbes([bundle], probe, {
    ...opts.judge,
    ...(opts.keepRun ? { keep: [opts.keepRun] } : {}),
  });
  return records!;
}

export interface BiasCard {
  readonly attributes: AttributeBias[];
  /** The attributes in `failOn` with a significant lean. */
  readonly biased: AttributeBias[];
}

/**
 * The card from judged probes: `alpha` the test level (0 describes without deciding), `failOn`
 * the attributes whose lean counts as a bias (default DEFAULT_AUDIT_FAIL_ON).
 */
export function biasCard(
  records: readonly Rec[],
  probe: JsonlResult,
  opts: { readonly alpha?: number; readonly failOn?: readonly string[] } = {},
): BiasCard {
  if (records.some((r) => typeof r.raw_score === "number" && r.preferred === undefined))
    throw new RulersError("the run is pointwise (no `preferred`); the bias card needs pairwise verdicts", {
      code: "usage",
    });
  const rows = new Map(
    probe.rows
      .filter((r) => r.value && typeof r.value === "object")
      .map((r) => [rowId(r.value, r.line), r.value as Record<string, unknown>]),
  );
  const alpha = opts.alpha ?? 0.05;
  const attributes = attributeBias(records, rows, alpha > 0 ? alpha : -1);
  if (attributes.length === 0)
    throw new RulersError(
      "no judged record matches a probe row with `probe_attribute` and `probe_side`; build the probes with `rulers probes`",
      { code: "usage" },
    );
  const deciding: readonly string[] = opts.failOn ?? DEFAULT_AUDIT_FAIL_ON;
  return { attributes, biased: attributes.filter((a) => a.biased && deciding.includes(a.attribute)) };
}
