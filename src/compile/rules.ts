/**
 * Every check rule, in the order they run. One rule per file under rules/, each citing the
 * section of grammar/spec.md it enforces; adding a rule means adding a file and a line here.
 */
import type { Rule } from "./context.js";
import { aggregationKnown } from "./rules/aggregation.js";
import { checkTests } from "./rules/check-tests.js";
import { criterionShape } from "./rules/criterion-shape.js";
import { evidenceInputs } from "./rules/evidence-inputs.js";
import { ambiguousEvidence } from "./rules/evidence-source.js";
import { gateReferences } from "./rules/gate-references.js";
import { headerVersion } from "./rules/header-version.js";
import { inputKinds } from "./rules/input-kinds.js";
import { levelAnchors } from "./rules/levels.js";
import { pairwiseMode } from "./rules/pairwise-mode.js";
import { requiredDeclarations } from "./rules/required-declarations.js";
import { scaleValid } from "./rules/scale.js";
import { sectionsNonEmpty } from "./rules/sections.js";
import { settingValues } from "./rules/setting-values.js";
import { singleDeclarations } from "./rules/single-declarations.js";
import { templateField } from "./rules/template.js";
import { uniqueIds } from "./rules/unique-ids.js";
import { uniqueInputs } from "./rules/unique-inputs.js";

export const RULES: readonly Rule[] = [
  headerVersion,
  singleDeclarations,
  requiredDeclarations,
  uniqueInputs,
  uniqueIds,
  scaleValid,
  settingValues,
  criterionShape,
  levelAnchors,
  evidenceInputs,
  ambiguousEvidence,
  checkTests,
  inputKinds,
  gateReferences,
  aggregationKnown,
  pairwiseMode,
  templateField,
  sectionsNonEmpty,
];
