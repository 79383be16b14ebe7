import type { RubricFile } from "../syntax/ast.js";
import { contentHash } from "../util/canonical.js";
import { type ImportedPart, lowerRubric } from "./lower.js";

/**
 * The pin of an imported part: a hash over what the part means (its criteria, checks, gates
 * and sections as IR), so reformatting or re-commenting the part never breaks a pin.
 */
export function partHash(file: RubricFile, imports: readonly ImportedPart[]): string {
  const ir = lowerRubric(file, imports);
  return contentHash({
    format: "rulers-part/1",
    id: ir.id,
    version: ir.version,
    criteria: ir.criteria,
    checks: ir.checks,
    gates: ir.gates,
    sections: ir.sections,
  });
}
