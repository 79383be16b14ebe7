/**
 * The IR: what a rubric means, with every default filled in and no source positions, so that it
 * can be hashed (Dhall-style: the hash is over meaning, not text). Everything downstream (bundle,
 * judge, score, drift) reads this, never the AST. Field names are snake_case because the IR is
 * written into bundles and read by other tools.
 */

export type EvidencePolicy =
  | { readonly kind: "unmet" }
  | { readonly kind: "flag" }
  | { readonly kind: "retry" }
  | { readonly kind: "cap"; readonly value: number };

export type Scale =
  | { readonly kind: "numeric"; readonly min: number; readonly max: number; readonly step: number }
  | { readonly kind: "pass_fail" };

export type Mode =
  | { readonly kind: "pointwise" }
  | {
      readonly kind: "pairwise";
      /** The two inputs being compared: [A, B]. */
      readonly compare: readonly [string, string];
      /** Judge both orders to cancel position bias. */
      readonly swap: boolean;
      readonly ties: boolean;
      /** What an order-inconsistent pair becomes. */
      readonly inconsistent: "tie" | "flag";
    };

/**
 * What an input holds besides plain text (spec §Input kinds). Absent for text, so bundles of
 * rubrics that declare no kinds hash as they did before kinds existed.
 */
export type InputKindIR = "conversation" | "reference" | "image";

export interface InputIR {
  readonly name: string;
  readonly description: string;
  /** Evidence quotes may be taken from this input. */
  readonly quotable: boolean;
  readonly kind?: InputKindIR;
}

/** Where in a conversation quotes may come from: one role's messages, or the assistant's tool calls. */
export type EvidenceScope = "system" | "developer" | "user" | "assistant" | "tool" | "tool_calls";

export interface JudgeSettingsIR {
  readonly temperature: number;
  readonly samples: number;
  readonly seed: number | null;
  readonly max_tokens: number | null;
  /** `evidence_first`: the answer schema puts evidence before each verdict. */
  readonly order: "evidence_first" | "verdict_first";
  /** Similarity in [0,1] a fuzzy quote match must reach to count as verified. */
  readonly quote_match: number;
  /** Default policy when a criterion's required evidence does not verify. */
  readonly on_evidence_failure: EvidencePolicy;
  /*
   * The three below are absent unless the rubric states them, so bundles of rubrics that do
   * not use them keep the hash they had before these settings existed.
   */
  /** `reasoning effort`: sent to reasoning models (OpenAI reasoning_effort, Anthropic effort, Gemini thinkingLevel). */
  readonly reasoning_effort?: string;
  /** `reasoning budget`: thinking tokens allowed before the answer (Anthropic, Gemini). */
  readonly reasoning_budget?: number;
  /** `each criterion separately`: one judge call per criterion, as HealthBench's grader asks. */
  readonly per_criterion?: true;
}

/**
 * spec.md §Evidence: a quote shorter than this many words does not count unless the rubric says
 * otherwise (`at least N words`), so "the" cannot satisfy "at least 1 quote". A word limit below
 * it (`at most 2 words`) lowers it to that limit.
 */
export const DEFAULT_MIN_QUOTE_WORDS = 3;

export interface EvidenceRuleIR {
  readonly min_quotes: number;
  readonly max_quotes: number | null;
  readonly max_words: number | null;
  /**
   * The shortest quote that counts, in words (`at least N words`; 3 when the rubric does not say,
   * spec.md §Evidence). Absent in bundles compiled before it existed: there no minimum applies.
   */
  readonly min_words?: number;
  /** Inputs the quotes must come from (defaults to every quotable input). */
  readonly from: readonly string[];
  /** `in <role> turns` / `in tool calls`; absent when the rule names no scope. */
  readonly scope?: EvidenceScope;
}

export interface LevelIR {
  readonly value: number;
  readonly anchor: string;
}

export type CriterionKind = "binary" | "checklist" | "levels";

export interface CriterionIR {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly section: string | null;
  readonly kind: CriterionKind;
  /** levels: the ordinal anchors (ascending); checklist: anchors for 0, 1, 2 (may be empty). */
  readonly levels: readonly LevelIR[];
  /** Exactly one of weight / points is non-null after lowering. */
  readonly weight: number | null;
  readonly points: number | null;
  readonly evidence: EvidenceRuleIR;
  readonly on_evidence_failure: EvidencePolicy;
  readonly tags: readonly string[];
}

/**
 * Text tests may read one message of a conversation instead of a whole input: `last` names the
 * role whose last message is tested. Absent for whole-input tests (hash-stable).
 */
export type CheckTest =
  | {
      readonly kind: "tool_call";
      readonly input: string;
      readonly tool: string;
      /** JSON Schema some call's parsed arguments must match, or null for any call of the tool. */
      readonly schema: unknown | null;
      readonly negate: boolean;
    }
  | {
      readonly kind: "regex";
      readonly input: string;
      readonly last?: string;
      readonly pattern: string;
      readonly flags: string;
      readonly negate: boolean;
    }
  | {
      readonly kind: "contains";
      readonly input: string;
      readonly last?: string;
      readonly text: string;
      readonly ignore_case: boolean;
      readonly negate: boolean;
    }
  | {
      readonly kind: "count";
      readonly input: string;
      /** `turns`: the number of messages in a conversation. */
      readonly unit: "words" | "characters" | "turns";
      readonly min: number | null;
      readonly max: number | null;
    }
  | { readonly kind: "json"; readonly input: string; readonly last?: string; readonly schema: unknown | null }
  | {
      readonly kind: "equals";
      readonly input: string;
      readonly last?: string;
      readonly other: string;
      readonly ignore_case: boolean;
      readonly ignore_whitespace: boolean;
    }
  | {
      readonly kind: "numeric";
      readonly input: string;
      readonly last?: string;
      readonly other: string;
      readonly tolerance: number;
    };

export interface CheckIR {
  readonly id: string;
  readonly title: string;
  readonly section: string | null;
  readonly test: CheckTest;
  /** Checks count in the score only when given a weight or points; otherwise they feed gates. */
  readonly weight: number | null;
  readonly points: number | null;
}

export type ConditionIR =
  | { readonly kind: "met"; readonly ref: string; readonly negate: boolean }
  | {
      readonly kind: "level";
      readonly ref: string;
      readonly op: "<" | "<=" | ">" | ">=" | "==";
      readonly value: number;
    }
  | { readonly kind: "and" | "or"; readonly operands: readonly ConditionIR[] };

export interface GateIR {
  readonly id: string;
  readonly title: string;
  readonly when: ConditionIR;
  readonly action: { readonly kind: "cap" | "fix"; readonly value: number };
}

export type AggregationMethod = "weighted_mean" | "points" | "minimum" | "sum";
export type Rounding = "half_up" | "half_even" | "down" | "up" | "none";

export interface AggregationIR {
  readonly method: AggregationMethod;
  readonly rounding: Rounding;
}

/** Per-item criteria read from a row field; `defaults` fills what the rows do not say. */
export interface TemplateIR {
  readonly field: string;
  readonly kind: CriterionKind;
  readonly evidence: EvidenceRuleIR;
  readonly on_evidence_failure: EvidencePolicy;
}

/**
 * One per-item criterion as stored in a bundle: only what the row says. Kind, evidence rule
 * and policy come from the template (`expandItemCriterion` in compile/items.ts joins them).
 * Keys are listed in sorted order, which the canonical writer hashes without copying.
 */
export interface ItemCriterionIR {
  readonly description: string;
  readonly id: string;
  readonly points: number | null;
  readonly tags: readonly string[];
  readonly title: string | null;
  readonly weight: number | null;
}

export interface SectionIR {
  readonly title: string;
  readonly criteria: readonly string[];
}

export interface RubricIR {
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly mode: Mode;
  readonly inputs: readonly InputIR[];
  readonly scale: Scale;
  readonly instructions: string;
  readonly judge: JudgeSettingsIR;
  readonly sections: readonly SectionIR[];
  readonly criteria: readonly CriterionIR[];
  readonly checks: readonly CheckIR[];
  readonly gates: readonly GateIR[];
  readonly aggregation: AggregationIR;
  readonly template: TemplateIR | null;
  /** Hashes of the parts this rubric imported (their content is inlined above). */
  readonly imports: readonly string[];
}
