/**
 * Calibration, agreement, diff, drift and reports from code: the functions behind `rulers
 * calibrate`, `apply`, `agree`, `diff`, `drift` and `report`, on records already in memory
 * (from `judge()` or `readRecords`).
 */

import { readBundle } from "../bundle/file.js";
import type { Bundle } from "../bundle/types.js";
import { compileFile } from "../compile/index.js";
import type { RubricIR } from "../compile/ir.js";
import { hasErrors } from "../diagnostics/index.js";
import { diffRubrics, type RubricDiff } from "../drift/index.js";
import { RulersError } from "../util/errors.js";

export { diffText } from "../drift/index.js";
export { applyCalibrator } from "./calibrator.js";

function irOf(x: string | Bundle | RubricIR): { ir: RubricIR; source?: string } {
  if (typeof x !== "string") return { ir: "body" in x ? x.body.rubric : x };
  if (x.endsWith(".json")) return { ir: readBundle(x).body.rubric };
  const r = compileFile(x);
  if (!r.ir || hasErrors(r.diagnostics))
    throw new RulersError(
      `\`${x}\` does not compile (${r.diagnostics.length} diagnostics); fix it or give its bundle`,
      {
        code: "diagnostics",
      },
    );
  const source = r.sources.get(x);
  return { ir: r.ir, ...(source !== undefined ? { source } : {}) };
}

/**
 * The semantic diff of two rubric versions (each a `.rubric` path, a bundle.json path, a bundle
 * or an IR): criteria added, removed, renamed and re-weighted, every changed field, and risk
 * findings with a summary verdict. `newSource` is the new version's text when `b` is not a path.
 */
export function diff(
  a: string | Bundle | RubricIR,
  b: string | Bundle | RubricIR,
  options: { readonly newSource?: string } = {},
): RubricDiff {
  const before = irOf(a);
  const after = irOf(b);
  // The new version's text lets risk findings quote it; a path brings its own.
  const newSource = after.source ?? options.newSource;
  return diffRubrics(before.ir, after.ir, newSource !== undefined ? { newSource } : {});
}
