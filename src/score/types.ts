/** What the scorer works on and gives back: one judgment of one item, criterion by criterion. */

/** Binary criteria: met / unmet; pairwise criteria: A / B / tie; `tie` is also a split vote. */
export type Verdict = "met" | "unmet" | "A" | "B" | "tie";
export type Preference = "A" | "B" | "tie";

export interface CriterionOutcome {
  readonly id: string;
  /** Binary and pairwise criteria. */
  readonly verdict: Verdict | null;
  /** Levels and checklist criteria (a median across samples may be a half value). */
  readonly level: number | null;
  /** The criterion's required evidence verified (always true when none is required). */
  readonly evidence_ok: boolean;
  /** Set by the evidence policy, e.g. `evidence-unverified:<id>`. */
  readonly flags?: readonly string[];
}

export interface CheckResult {
  readonly id: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface BreakdownEntry {
  readonly id: string;
  readonly source: "criterion" | "check";
  /** Normalised value v in [0, 1]. */
  readonly value: number;
  /** The effective weight: points when the item has points, else its weight (1 by default). */
  readonly weight: number;
  /** What the item adds: to x for weighted mean, points and minimum; to the raw sum for sum. */
  readonly contribution: number;
}

/** A gate or evidence cap that fired; evidence caps have ids `evidence:<criterion>`. */
export interface Fired {
  readonly id: string;
  readonly action: "cap" | "fix";
  readonly value: number;
}

export interface ScoreResult {
  /** On the rubric's scale, after gates and caps; null when the item cannot be scored. */
  readonly raw_score: number | null;
  /** Why `raw_score` is null. */
  readonly reason?: string;
  /** x in [0, 1] before mapping onto the scale; null for `sum`, holistic and unscored items. */
  readonly normalized: number | null;
  readonly breakdown: BreakdownEntry[];
  /** Gates and evidence caps that fired, in that order (kept for records written before `gates`/`caps`). */
  readonly fired: Fired[];
  /** Gates that fired, in rubric order. */
  readonly gates: Fired[];
  /** Evidence caps that applied. */
  readonly caps: Fired[];
  /** Flags collected from the outcomes (e.g. `evidence-unverified:<id>`). */
  readonly flags: string[];
}
