import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectGolden, inCi, MissingGoldenError } from "../helpers/golden.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-golden-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("golden files", () => {
  it("are never created under CI: a missing one fails and nothing is written", () => {
    for (const CI of ["true", "1", "yes"]) {
      const path = join(dir, `ci-${CI}.txt`);
      expect(() => expectGolden(path, "output\n", { CI })).toThrow(MissingGoldenError);
      expect(() => expectGolden(path, "output\n", { CI })).toThrow(/ci-.*\.txt is missing; CI never creates one/);
      expect(existsSync(path)).toBe(false);
    }
  });

  it("are written when missing on a developer's machine, and compared from then on", () => {
    for (const env of [{}, { CI: "" }, { CI: "false" }, { CI: "0" }]) {
      const path = join(dir, `local-${JSON.stringify(env).replace(/\W/g, "")}.txt`);
      expectGolden(path, "first\n", env);
      expect(readFileSync(path, "utf8")).toBe("first\n");
      expect(() => expectGolden(path, "second\n", env)).toThrow();
      expect(readFileSync(path, "utf8")).toBe("first\n");
    }
  });

  it("compare an existing file under CI, and rewrite it only when asked to update", () => {
    const path = join(dir, "existing.txt");
    writeFileSync(path, "kept\n");
    expect(expectGolden(path, "kept\n", { CI: "true" })).toBe("kept\n");
    expect(() => expectGolden(path, "changed\n", { CI: "true" })).toThrow();
    expectGolden(path, "changed\n", { CI: "true", UPDATE_GOLDEN: "1" });
    expect(readFileSync(path, "utf8")).toBe("changed\n");
  });

  it("reads CI the way CI services set it", () => {
    expect(inCi({ CI: "true" })).toBe(true);
    expect(inCi({ CI: "1" })).toBe(true);
    expect(inCi({})).toBe(false);
    expect(inCi({ CI: "false" })).toBe(false);
  });
});
