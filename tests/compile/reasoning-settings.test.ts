import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/index.js";
import { compileSource } from "../../src/compile/index.js";
import { parseRubric, printRubric } from "../../src/syntax/index.js";
import { diagnosticsOf, rubric } from "../helpers/rubrics.js";

const CRITERIA = `criterion a "A" binary end\ncriterion b "B" binary end`;
const judge = (lines: string) => rubric(`judge\n${lines}\nend\n${CRITERIA}`);

describe("reasoning settings and one call per criterion in the judge block", () => {
  it("parse, lower into the IR, and print back as written", () => {
    const src = judge("  reasoning effort high\n  reasoning budget 2048\n  each criterion separately");
    const r = compileSource(src, "t.rubric");
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.judge).toMatchObject({ reasoning_effort: "high", reasoning_budget: 2048, per_criterion: true });
    const printed = printRubric(parseRubric(src, "t.rubric").ast!);
    expect(printed).toContain("  reasoning effort high\n  reasoning budget 2048\n  each criterion separately\n");
    expect(compileSource(printed, "t.rubric").ir!.judge).toEqual(r.ir!.judge);
  });

  it("are hashed, and leave the hash of rubrics that do not use them unchanged", () => {
    const hash = (src: string) => buildBundle(compileSource(src, "t.rubric").ir!).hash;
    const plain = judge("  temperature 0");
    const base = hash(plain);
    // Absent settings are absent from the IR, not null: old bundles keep their hashes.
    expect(Object.keys(compileSource(plain, "t.rubric").ir!.judge)).not.toContain("reasoning_effort");
    const variants = [
      judge("  temperature 0\n  reasoning effort low"),
      judge("  temperature 0\n  reasoning effort high"),
      judge("  temperature 0\n  reasoning budget 1024"),
      judge("  temperature 0\n  each criterion separately"),
    ].map(hash);
    expect(new Set([base, ...variants]).size).toBe(5);
  });

  it("refuses bad values and one call per criterion without criteria, with positions", () => {
    const src = judge("  reasoning effort extreme\n  reasoning budget 0");
    const d = diagnosticsOf(src);
    expect(d.map((x) => [x.code, x.message])).toEqual([
      ["invalid-setting", "reasoning effort `extreme` is not one of none, minimal, low, medium, high, xhigh, max"],
      ["invalid-setting", "reasoning budget `0` must be a positive whole number"],
    ]);
    expect(d[0]!.span!.start).toBe(src.indexOf("extreme"));
    const holistic = diagnosticsOf(rubric("judge\n  each criterion separately\nend"));
    expect(holistic.find((x) => x.code === "invalid-setting")?.message).toContain("needs criteria");
  });

  it("keep the words usable as names elsewhere", () => {
    const src = rubric(`criterion effort "Effort shown" binary end\ncriterion each "Each step" binary end`);
    expect(diagnosticsOf(src)).toEqual([]);
  });
});
