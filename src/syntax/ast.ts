/**
 * The rubric AST: a discriminated union on `kind`, a `loc` span on every node, readonly
 * throughout. It mirrors the source closely (the printer rebuilds text from it); meaning and
 * defaults are added later, in the lowering to IR.
 */
import type { Span } from "../diagnostics/index.js";

export interface Ident {
  readonly kind: "Ident";
  readonly name: string;
  readonly loc: Span;
}

export interface Text {
  readonly kind: "Text";
  readonly value: string;
  /** Written as a `"""` block in the source. */
  readonly block: boolean;
  readonly loc: Span;
}

/** A value parsed loosely (`weight heavy` parses) so compile/ can say what is wrong with it. */
export interface Value {
  readonly kind: "Value";
  readonly raw: string;
  readonly type: "number" | "version" | "string" | "name";
  readonly loc: Span;
}

export interface Header {
  readonly kind: "Header";
  readonly form: "rubric" | "part";
  readonly id: Ident;
  readonly version: Value;
  readonly loc: Span;
}

export interface Setting {
  readonly kind: "Setting";
  readonly key:
    | "temperature"
    | "samples"
    | "seed"
    | "max_tokens"
    | "quote_match"
    | "reasoning_effort"
    | "reasoning_budget"
    | "weight"
    | "points";
  readonly value: Value;
  readonly loc: Span;
}

export interface EvidencePolicyNode {
  readonly kind: "EvidencePolicy";
  readonly action: "unmet" | "flag" | "retry" | "cap";
  readonly value: Value | null;
  readonly loc: Span;
}

export interface EvidenceRuleNode {
  readonly kind: "EvidenceRule";
  readonly minQuotes: Value | null;
  readonly maxQuotes: Value | null;
  /** `at least N words`: the shortest quote that counts. */
  readonly minWords: Value | null;
  readonly maxWords: Value | null;
  readonly from: readonly Ident[];
  /** `in <role> turns` / `in tool calls`: where inside a conversation quotes may come from. */
  readonly scope: EvidenceScopeNode | null;
  readonly loc: Span;
}

export interface EvidenceScopeNode {
  readonly kind: "EvidenceScope";
  /** The role named in `in <role> turns`, or null for `in tool calls`. */
  readonly role: Ident | null;
  readonly loc: Span;
}

export interface LevelNode {
  readonly kind: "Level";
  readonly value: Value;
  readonly anchor: Text;
  readonly loc: Span;
}

export interface TitleDecl {
  readonly kind: "Title";
  readonly text: Text;
  readonly loc: Span;
}
export interface DescriptionDecl {
  readonly kind: "Description";
  readonly text: Text;
  readonly loc: Span;
}
export interface TagsDecl {
  readonly kind: "Tags";
  readonly tags: readonly Ident[];
  readonly loc: Span;
}
export interface InstructionsDecl {
  readonly kind: "Instructions";
  readonly text: Text;
  readonly loc: Span;
}

export type PairwiseSetting =
  | { readonly kind: "Compare"; readonly a: Ident; readonly b: Ident; readonly loc: Span }
  | { readonly kind: "SwapOrder"; readonly loc: Span }
  | { readonly kind: "Ties"; readonly allowed: boolean; readonly loc: Span }
  | { readonly kind: "OrderDisagrees"; readonly then: "tie" | "flag"; readonly loc: Span };

export interface ModeDecl {
  readonly kind: "Mode";
  readonly mode: "pointwise" | "pairwise";
  readonly settings: readonly PairwiseSetting[];
  readonly loc: Span;
}

/** What an input holds (spec §Input kinds); `text` unless the declaration says otherwise. */
export type InputKind = "text" | "conversation" | "reference" | "image";

export interface InputDecl {
  readonly kind: "Input";
  readonly name: Ident;
  /** The kind as written, or null when the declaration names none (plain text). */
  readonly inputKind: InputKind | null;
  readonly kindLoc: Span | null;
  readonly description: Text | null;
  readonly quotable: boolean;
  readonly loc: Span;
}

export interface ScaleDecl {
  readonly kind: "Scale";
  readonly passFail: boolean;
  readonly min: Value | null;
  readonly max: Value | null;
  readonly step: Value | null;
  readonly loc: Span;
}

export type JudgeSetting =
  | Setting
  | EvidencePolicyNode
  | { readonly kind: "Order"; readonly order: "evidence_first" | "verdict_first"; readonly loc: Span }
  /** `each criterion separately`: one judge call per criterion instead of one for all. */
  | { readonly kind: "PerCriterion"; readonly loc: Span };

export interface JudgeDecl {
  readonly kind: "Judge";
  readonly settings: readonly JudgeSetting[];
  readonly loc: Span;
}

export interface AggregateDecl {
  readonly kind: "Aggregate";
  readonly method: string;
  readonly methodLoc: Span;
  readonly loc: Span;
}
export interface RoundingDecl {
  readonly kind: "Rounding";
  readonly mode: string;
  readonly modeLoc: Span;
  readonly loc: Span;
}

export type CriterionSetting =
  | Text
  | Setting
  | EvidenceRuleNode
  | EvidencePolicyNode
  | TagsDecl
  | { readonly kind: "Kind"; readonly criterionKind: "binary" | "checklist"; readonly loc: Span }
  | { readonly kind: "Levels"; readonly levels: readonly LevelNode[]; readonly loc: Span };

export interface CriterionDecl {
  readonly kind: "Criterion";
  readonly id: Ident;
  readonly title: Text | null;
  readonly settings: readonly CriterionSetting[];
  readonly loc: Span;
}

/** `last <role> message of <input>`: the text a predicate tests, instead of a whole input. */
export interface LastMessageNode {
  readonly role: Ident;
  readonly loc: Span;
}

export type CheckTestNode =
  | {
      readonly kind: "ToolCallTest";
      readonly input: Ident;
      readonly last?: LastMessageNode;
      readonly tool: string;
      readonly toolLoc: Span;
      readonly schema: Text | null;
      readonly negate: boolean;
      readonly loc: Span;
    }
  | {
      readonly kind: "CountTest";
      readonly unit: "words" | "characters" | "turns";
      readonly input: Ident;
      readonly min: Value | null;
      readonly max: Value | null;
      readonly loc: Span;
    }
  | {
      readonly kind: "RegexTest";
      readonly input: Ident;
      readonly last?: LastMessageNode;
      readonly regex: string;
      readonly regexLoc: Span;
      readonly negate: boolean;
      readonly loc: Span;
    }
  | {
      readonly kind: "ContainsTest";
      readonly input: Ident;
      readonly last?: LastMessageNode;
      readonly text: Text;
      readonly ignoreCase: boolean;
      readonly negate: boolean;
      readonly loc: Span;
    }
  | {
      readonly kind: "JsonTest";
      readonly input: Ident;
      readonly last?: LastMessageNode;
      readonly schema: Text | null;
      readonly loc: Span;
    }
  | {
      readonly kind: "EqualsTest";
      readonly input: Ident;
      readonly last?: LastMessageNode;
      readonly other: Ident;
      readonly ignoreCase: boolean;
      readonly ignoreWhitespace: boolean;
      readonly loc: Span;
    }
  | {
      readonly kind: "NumericTest";
      readonly input: Ident;
      readonly last?: LastMessageNode;
      readonly other: Ident;
      readonly tolerance: Value | null;
      readonly loc: Span;
    };

export interface CheckDecl {
  readonly kind: "Check";
  readonly id: Ident;
  readonly title: Text | null;
  readonly test: CheckTestNode;
  readonly settings: readonly Setting[];
  readonly loc: Span;
}

export type ConditionNode =
  | {
      readonly kind: "MetCondition";
      readonly ref: Ident;
      readonly met: boolean;
      readonly word: "met" | "unmet" | "not met" | "fails" | "passes";
      readonly loc: Span;
    }
  | {
      readonly kind: "LevelCondition";
      readonly ref: Ident;
      readonly op: "<" | "<=" | ">" | ">=" | "==";
      readonly value: Value;
      readonly loc: Span;
    }
  | {
      readonly kind: "LogicalCondition";
      readonly op: "and" | "or";
      readonly operands: readonly ConditionNode[];
      readonly loc: Span;
    };

export interface GateDecl {
  readonly kind: "Gate";
  readonly id: Ident;
  readonly title: Text | null;
  readonly when: ConditionNode;
  readonly action: "cap" | "fix";
  readonly value: Value;
  readonly loc: Span;
}

export interface ImportDecl {
  readonly kind: "Import";
  readonly path: string;
  readonly pathLoc: Span;
  readonly hash: string | null;
  readonly hashLoc: Span | null;
  readonly loc: Span;
}

export type TemplateSetting =
  | EvidenceRuleNode
  | EvidencePolicyNode
  | { readonly kind: "Kind"; readonly criterionKind: "binary" | "checklist"; readonly loc: Span };

export interface TemplateDecl {
  readonly kind: "Template";
  readonly field: Ident;
  readonly settings: readonly TemplateSetting[];
  readonly loc: Span;
}

export interface SectionDecl {
  readonly kind: "Section";
  readonly title: Text;
  readonly members: readonly (CriterionDecl | CheckDecl)[];
  readonly loc: Span;
}

export type Declaration =
  | TitleDecl
  | DescriptionDecl
  | TagsDecl
  | ModeDecl
  | InputDecl
  | ScaleDecl
  | InstructionsDecl
  | JudgeDecl
  | AggregateDecl
  | RoundingDecl
  | SectionDecl
  | CriterionDecl
  | CheckDecl
  | GateDecl
  | ImportDecl
  | TemplateDecl;

export interface Comment {
  readonly kind: "Comment";
  readonly text: string;
  /** Written after code on the same line (kept at the end of that line by the printer). */
  readonly trailing: boolean;
  /** Followed by a blank line in the source (kept, so comment paragraphs stay apart). */
  readonly blankAfter: boolean;
  readonly loc: Span;
}

export interface RubricFile {
  readonly kind: "RubricFile";
  /** Null only when the source is so broken that no header could be recovered. */
  readonly header: Header | null;
  readonly declarations: readonly Declaration[];
  readonly comments: readonly Comment[];
  readonly loc: Span;
}
