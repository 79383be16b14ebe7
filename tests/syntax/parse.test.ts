import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/diagnostics/index.js";
import { parseRubric } from "../../src/syntax/index.js";
import { exampleSources } from "../helpers/rubrics.js";

describe("parseRubric", () => {
  it.each(exampleSources())("parses %s without diagnostics", (_file, text) => {
    const r = parseRubric(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.ast?.header?.form).toBe("rubric");
  });

  it("gives every node a span that slices back to its source text", () => {
    const src = 'rubric a.b version 1.2.3\ncriterion clarity "Clarity"\n  weight 2\nend\n';
    const ast = parseRubric(src).ast!;
    expect(src.slice(ast.header!.id.loc.start, ast.header!.id.loc.end)).toBe("a.b");
    const crit = ast.declarations[0]!;
    expect(crit.kind).toBe("Criterion");
    expect(src.slice(crit.loc.start, crit.loc.end)).toBe('criterion clarity "Clarity"\n  weight 2\nend');
  });

  it("decodes text blocks by removing their common indentation", () => {
    const src = 'rubric a version 1.0.0\ninstructions """\n    First line.\n      Indented.\n    """\n';
    const d = parseRubric(src).ast!.declarations[0]!;
    expect(d.kind === "Instructions" && d.text.value).toBe("First line.\n  Indented.");
  });

  it("recovers so that one mistake does not hide the next", () => {
    const src = [
      "rubric a version 1.0.0",
      'criterion one "One"',
      "  weight", // value missing
      "end",
      'criterion two "Two" levels 1 end end', // anchor text missing
      "scale 1 to", // maximum missing
    ].join("\n");
    const r = parseRubric(src, "x.rubric");
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(3);
    const lines = r.diagnostics.map((d) => formatDiagnostic(d, src).split("\n")[0]!.split(":")[1]);
    expect(new Set(lines).size).toBeGreaterThanOrEqual(3);
  });

  it("reports unterminated strings and text blocks with their own codes", () => {
    expect(parseRubric('rubric a version 1.0.0\ntitle "oops\n').diagnostics.map((d) => d.code)).toContain(
      "unterminated-string",
    );
    expect(
      parseRubric('rubric a version 1.0.0\ninstructions """\nnever closed\n').diagnostics.map((d) => d.code),
    ).toContain("unterminated-text");
  });

  it("lets keywords serve as names where a name is expected", () => {
    const r = parseRubric('rubric a version 1.0.0\ninput score "s", quotable\ncriterion evidence "E" binary end\n');
    expect(r.diagnostics).toEqual([]);
    const names = r.ast!.declarations.map((d) =>
      d.kind === "Input" ? d.name.name : d.kind === "Criterion" ? d.id.name : "",
    );
    expect(names).toEqual(["score", "evidence"]);
  });

  it("binds `and` tighter than `or` in gate conditions", () => {
    const r = parseRubric("rubric a version 1.0.0\ngate g when x is met or y is met and z fails cap score at 1 end\n");
    const g = r.ast!.declarations[0]!;
    if (g.kind !== "Gate") throw new Error("expected a gate");
    expect(g.when.kind).toBe("LogicalCondition");
    if (g.when.kind !== "LogicalCondition") return;
    expect(g.when.op).toBe("or");
    expect(g.when.operands[1]!.kind === "LogicalCondition" && g.when.operands[1]!.op).toBe("and");
  });

  it("refuses oversize sources without lexing them", () => {
    const r = parseRubric("#".repeat(20_000_001));
    expect(r.diagnostics[0]!.code).toBe("source-too-large");
  });
});
