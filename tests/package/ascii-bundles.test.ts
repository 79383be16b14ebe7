/**
 * The built bundles are ASCII (scripts/bundle-dist.mjs escapes what esbuild leaves in regex
 * literals and kept comments): one non-Latin-1 character made V8 hold a command's whole source as
 * a two-byte string, twice the bytes to decode and keep on every start. The commands are the
 * prebuilt scripts (dist/cli/commands/*.cjs) the CLI runs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { requireBuiltCli } from "../helpers/built.js";

const dist = resolve(import.meta.dirname, "../../dist");

describe("the built bundles", () => {
  it("hold only ASCII", () => {
    requireBuiltCli();
    const files = [
      join(dist, "index.js"),
      ...readdirSync(join(dist, "cli/commands"))
        .filter((f) => f.endsWith(".cjs"))
        .map((f) => join(dist, "cli/commands", f)),
      ...readdirSync(join(dist, "chunks")).map((f) => join(dist, "chunks", f)),
    ].filter((f) => f.endsWith(".js") || f.endsWith(".cjs"));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) => /[\u0080-\uffff]/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("keep what the escaped characters meant: a regex written with `€£¥` still matches them", async () => {
    const text = readFileSync(join(dist, "cli/commands/judge.cjs"), "utf8");
    const literal = text.match(/\/\(\[-\+\\u2212\]\?\)\\s\*\[\$[^\n]*?\/(?=;)/)?.[0];
    expect(literal).toContain("\\u20ac");
    const re = new Function(`return ${literal}`)() as RegExp;
    expect(re.exec("costs €12.50")?.[3]).toBe("12.50");
    expect(re.test("£3")).toBe(true);
  });
});
