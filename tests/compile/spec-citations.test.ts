/**
 * Code cites the language spec as `spec.md §Heading` (compile rules do so on every rule). Each cited
 * heading must exist in grammar/spec.md word for word, and every compile rule must cite one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const headings = [...readFileSync("grammar/spec.md", "utf8").matchAll(/^#{2,4} +(.+?) *$/gm)].map((m) => m[1]!);

/** The comment text of a file with ` * ` line starts folded away, so a citation may wrap. */
const folded = (text: string) => text.replace(/\n\s*(?:\*(?!\/)|\/\/)\s?/g, " ");

/** Each `§…` in the text: the heading it names, or the text that names none. */
function citations(text: string, known: readonly string[]): { cited: string; found: boolean }[] {
  return [...folded(text).matchAll(/§([^§\n]*)/g)].map((m) => {
    const rest = m[1]!;
    // the longest heading the citation starts with, ending at a non-word character
    const match = known
      .filter((h) => rest.startsWith(h) && !/[\w-]/.test(rest.charAt(h.length)))
      .sort((a, b) => b.length - a.length)[0];
    return match ? { cited: match, found: true } : { cited: rest.slice(0, 40), found: false };
  });
}

describe("spec citations", () => {
  it("reads the spec's section headings", () => {
    expect(headings).toContain("Aggregation and rounding");
    expect(headings).toContain("Levels");
  });

  it("match a heading exactly, not a prefix of one", () => {
    expect(citations("spec.md §Aggregation: x", headings)[0]!.found).toBe(false);
    expect(citations("spec.md §Aggregation and rounding: x", headings)[0]!.found).toBe(true);
    expect(citations("/** spec.md §Deterministic\n * checks: run locally */", headings)[0]).toEqual({
      cited: "Deterministic checks",
      found: true,
    });
    expect(citations("§Inputs, §Scale, §Nowhere:", headings).map((c) => c.found)).toEqual([true, true, false]);
  });

  it("name sections that exist in grammar/spec.md", () => {
    const missing: string[] = [];
    for (const f of sourceFiles("src"))
      for (const c of citations(readFileSync(f, "utf8"), headings)) if (!c.found) missing.push(`${f}: §${c.cited}`);
    expect(missing).toEqual([]);
  });

  it("are given by every compile rule", () => {
    const rules = sourceFiles("src/compile/rules");
    expect(rules.length).toBeGreaterThan(10);
    const uncited = rules.filter((f) => !/spec\.md §/.test(folded(readFileSync(f, "utf8"))));
    expect(uncited).toEqual([]);
  });
});
