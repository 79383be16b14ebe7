/**
 * Every surface where outside data enters rulers, a few hundred seeded cases each: no crash, no
 * silent acceptance (tests/helpers/fuzz-surfaces.ts says what each means). `npm run fuzz` runs
 * 100,000 per surface.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cleanupFuzzFiles, Rand, SURFACES } from "../helpers/fuzz-surfaces.js";

afterAll(cleanupFuzzFiles);

const CASES: Record<keyof typeof SURFACES, number> = {
  "bundle JSON": 250,
  "rubric source": 150,
  rows: 300,
  labels: 200,
  "judge answers": 400,
};

describe("fuzz: no crash, no silent acceptance", () => {
  for (const [name, run] of Object.entries(SURFACES) as [keyof typeof SURFACES, (r: Rand) => string][]) {
    it(name, () => {
      const seen = { accepted: 0, rejected: 0 };
      for (let i = 0; i < CASES[name]; i++) seen[run(new Rand(0x9e3779b9 ^ (i * 2654435761))) as keyof typeof seen]++;
      // Both outcomes occur, so the generator reaches past the first check.
      expect(seen.accepted).toBeGreaterThan(0);
      expect(seen.rejected).toBeGreaterThan(0);
    });
  }
});
