/**
 * Conformance cases as files, language-neutral: `failure/<code>.rubric` must produce
 * diagnostic `<code>` and exactly the diagnostics in `<code>.diagnostics`; `success/<name>.rubric`
 * must compile to exactly `<name>.bundle.json`. Regenerate expectations after a deliberate
 * change with `UPDATE_CONFORMANCE=1 npx vitest run tests/conformance` and review the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { serializeBundle } from "../../src/bundle/file.js";
import { compileFile } from "../../src/compile/index.js";
import { formatDiagnostic } from "../../src/diagnostics/index.js";

const ROOT = "tests/conformance";
const update = process.env.UPDATE_CONFORMANCE === "1";

function cases(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".rubric")).map((f) => f.slice(0, -".rubric".length)).sort();
}

function expectFile(path: string, actual: string): void {
  if (update || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("conformance: failure cases", () => {
  it.each(cases("failure"))("%s", (name) => {
    const file = join(ROOT, "failure", `${name}.rubric`);
    const r = compileFile(file);
    expect(r.diagnostics.map((d) => d.code)).toContain(name);
    const text = r.diagnostics.map((d) => formatDiagnostic(d, d.file !== undefined ? r.sources.get(d.file) : undefined)).join("\n") + "\n";
    expectFile(join(ROOT, "failure", `${name}.diagnostics`), text.split(process.cwd() + "/").join(""));
  });
});

describe("conformance: success cases", () => {
  it.each(cases("success"))("%s", (name) => {
    const r = compileFile(join(ROOT, "success", `${name}.rubric`));
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expectFile(join(ROOT, "success", `${name}.bundle.json`), serializeBundle(buildBundle(r.ir!)));
  });
});
