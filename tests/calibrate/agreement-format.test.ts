import { describe, expect, it } from "vitest";
import { agreement, confusionLines, metricFigures, metricLabel, metricLines } from "../../src/calibrate/index.js";

describe("agreement formatting (one formatter for agree, rater agreement and the report)", () => {
  const report = agreement([1, 2, 3, 3, 2], [1, 2, 3, 2, 2], { min: 1, max: 3, step: 1 }, { resamples: 50, seed: 1 });

  it("names each metric, shows value and interval, and says why a metric is undefined", () => {
    const lines = metricLines(report);
    expect(lines).toHaveLength(Object.keys(report.metrics).length);
    expect(lines[0]).toMatch(/^ {2}quadratic weighted kappa \d\.\d{3} {2}\[-?\d\.\d{3}, -?\d\.\d{3}\]$/);
    expect(
      metricLines({ metrics: { ...report.metrics, pearson: { value: null, reason: "every label is the same" } } }),
    ).toContain(`  ${"Pearson r".padEnd(24)} undefined (every label is the same)`);
    expect(metricFigures({ value: 0.5, ci: null })).toEqual({ value: "0.500", ci: null, reason: null });
    expect(metricLabel("spearman")).toBe("Spearman rho");
    expect(metricLabel("new_metric")).toBe("new_metric");
  });

  it("prints the confusion table with categories in numeric order and named axes", () => {
    const lines = confusionLines({ "10": { "2": 1 }, "2": { "2": 3, "10": 1 } }, "a.jsonl", "b.jsonl");
    expect(lines).toEqual([
      "confusion (rows: a.jsonl, columns: b.jsonl):",
      "           2    10",
      "     2     3     1",
      "    10     1     0",
    ]);
  });
});
