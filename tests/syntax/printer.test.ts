import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { compileSource } from "../../src/compile/index.js";
import { parseRubric, printRubric } from "../../src/syntax/index.js";
import { exampleSources } from "../helpers/rubrics.js";

function fmt(text: string): string {
  const r = parseRubric(text);
  expect(r.diagnostics).toEqual([]);
  return printRubric(r.ast!);
}

function hashOf(text: string, file: string): string {
  const r = compileSource(text, file);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return buildBundle(r.ir!).hash;
}

describe("printRubric", () => {
  it.each(exampleSources())("is idempotent on %s and keeps the example in canonical form", (_file, text) => {
    const once = fmt(text);
    expect(fmt(once)).toBe(once);
    expect(once).toBe(text);
  });

  it.each(exampleSources())("never changes the bundle hash of %s", (file, text) => {
    const squashed = text
      .replace(/#[^\n]*/g, "")
      .replace(/\n\s*\n/g, "\n")
      .replace(/^ +/gm, "");
    expect(hashOf(fmt(squashed), file)).toBe(hashOf(text, file));
  });

  it("keeps own-line and trailing comments in place", () => {
    const src = '# about\nrubric a version 1.0.0\n\n# the title\ntitle "T"  # short\n';
    const out = fmt(src);
    expect(out).toContain("# about\n");
    expect(out).toContain('# the title\ntitle "T"  # short\n');
  });

  it("prints a multi-line string as a text block that decodes to the same value", () => {
    const out = fmt('rubric a version 1.0.0\ndescription "line one\\nline two"\n');
    expect(out).toContain('description """\n  line one\n  line two\n"""');
  });

  it("keeps a string that a text block could not reproduce as a string", () => {
    const out = fmt('rubric a version 1.0.0\ndescription "  indented\\n  both"\n');
    expect(out).toContain('description "  indented\\n  both"');
  });
});
