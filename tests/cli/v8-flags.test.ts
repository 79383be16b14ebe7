/**
 * The V8 settings the CLI's batch commands run with (src/cli/main.ts): each is set unless the
 * user gave node the same flag, in either sense and either spelling.
 */
import { describe, expect, it } from "vitest";
import { batchV8Flags } from "../../src/cli/main.js";

describe("batch V8 flags", () => {
  it("sets the tier-up budget, serial scavenges and a faster-growing young generation by default", () => {
    const flags = batchV8Flags([]);
    expect(flags).toHaveLength(3);
    expect(flags.find((f) => f.startsWith("--interrupt-budget="))).toBe(`--interrupt-budget=${8 * 67_584}`);
    expect(flags).toContain("--no-parallel-scavenge");
    expect(flags).toContain("--semi-space-growth-factor=8");
  });

  it("leaves alone every flag the user gave, whatever the spelling or sense", () => {
    expect(batchV8Flags(["--interrupt_budget=1000"])).not.toContainEqual(expect.stringMatching(/interrupt/));
    expect(batchV8Flags(["--parallel-scavenge"])).not.toContain("--no-parallel-scavenge");
    expect(batchV8Flags(["--no_parallel_scavenge"])).not.toContain("--no-parallel-scavenge");
    expect(batchV8Flags(["--semi-space-growth-factor=2"])).not.toContain("--semi-space-growth-factor=8");
    expect(batchV8Flags(["--interrupt-budget=1", "--parallel-scavenge", "--semi_space_growth_factor=4"])).toEqual([]);
  });

  it("is not fooled by values or by other flags that share a prefix", () => {
    expect(batchV8Flags(["--max-semi-space-size=64", "--title=--parallel-scavenge", "parallel-scavenge"])).toHaveLength(
      3,
    );
  });
});
