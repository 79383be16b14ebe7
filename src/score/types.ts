/** What the scorer works on: one judgment of one item, criterion by criterion. */
export type Verdict = "met" | "unmet" | "A" | "B" | "tie";

export interface CriterionOutcome {
  readonly id: string;
  /** Binary and pairwise criteria. */
  readonly verdict: Verdict | null;
  /** Levels and checklist criteria (a median across samples may be a half value). */
  readonly level: number | null;
  /** The criterion's required evidence verified (always true when none is required). */
  readonly evidence_ok: boolean;
}

export interface CheckResult {
  readonly id: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface BreakdownEntry {
  readonly id: string;
  readonly source: "criterion" | "check";
  /** Normalised value in [0, 1]. */
  readonly value: number;
  readonly weight: number;
  readonly contribution: number;
}

export interface Fired {
  readonly id: string;
  readonly action: "cap" | "fix";
  readonly value: number;
}

export interface ScoreResult {
  readonly raw_score: number | null;
  readonly reason?: string;
  readonly normalized: number | null;
  readonly breakdown: BreakdownEntry[];
  /** Gates and evidence caps that fired. */
  readonly fired: Fired[];
}
