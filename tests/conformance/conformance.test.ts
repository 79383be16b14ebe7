/**
 * Conformance cases as files, language-neutral: `failure/<code>.rubric` must produce
 * diagnostic `<code>` and exactly the diagnostics in `<code>.diagnostics`; `success/<name>.rubric`
 * must compile to exactly `<name>.bundle.json`. Regenerate expectations after a deliberate
 * change with `UPDATE_GOLDEN=1 npx vitest run tests/conformance` and review the diff. Under CI a
 * missing expectation file fails instead of being written (tests/helpers/golden.ts).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { serializeBundle } from "../../src/bundle/file.js";
import { compileFile } from "../../src/compile/index.js";
import { formatDiagnostic } from "../../src/diagnostics/index.js";
import { expectGolden } from "../helpers/golden.js";

const ROOT = "tests/conformance";

function cases(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".rubric")).map((f) => f.slice(0, -".rubric".length)).sort();
}


describe("conformance: failure cases", () => {
  it.each(cases("failure"))("%s", (name) => {
    const file = join(ROOT, "failure", `${name}.rubric`);
    const r = compileFile(file);
    expect(r.diagnostics.map((d) => d.code)).toContain(name);
    const text = r.diagnostics.map((d) => formatDiagnostic(d, d.file !== undefined ? r.sources.get(d.file) : undefined)).join("\n") + "\n";
    expectGolden(join(ROOT, "failure", `${name}.diagnostics`), text.split(process.cwd() + "/").join(""));
  });
});

describe("conformance: success cases", () => {
  it.each(cases("success"))("%s", (name) => {
    const r = compileFile(join(ROOT, "success", `${name}.rubric`));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expectGolden(join(ROOT, "success", `${name}.bundle.json`), serializeBundle(buildBundle(r.ir!)));
  });
});
