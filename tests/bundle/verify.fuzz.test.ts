import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { canonicalJson } from "../../src/bundle/canonical.js";
import { writeBundle } from "../../src/bundle/file.js";
import { verifyBundleFile } from "../../src/bundle/verify.js";
import { compileSource } from "../../src/compile/index.js";
import { bundle, tempDir } from "./fixtures.js";

const { dir, cleanup } = tempDir("rulers-verify-fuzz-");
afterAll(cleanup);

/** Offsets of the characters inside string literals (keys too) and number literals of `text`. */
function literalOffsets(text: string, from: number): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") {
        out.push(i, i + 1);
        i++;
      } else if (c === '"') inString = false;
      else out.push(i);
    } else if (c === '"') inString = true;
    else if (/[-+.0-9eE]/.test(c) && !/[a-z]/.test(text[i - 1] ?? "")) out.push(i);
  }
  return out;
}

const replacement = fc.oneof(
  fc.constantFrom("0", "1", "9", "a", "A", "z", " ", ".", "-", "e", '"', "\\", "é", "😀"),
  fc.string({ minLength: 1, maxLength: 1 }),
);

const compiled = (() => {
  const r = compileSource(readFileSync("examples/asap-essay.rubric", "utf8"), "asap-essay.rubric");
  return buildBundle(r.ir!);
})();

describe.each([
  ["a hand-built bundle", bundle()],
  ["a compiled example bundle", compiled],
])("verify on %s", (name, b) => {
  const path = writeBundle(join(dir, name.replace(/ /g, "-")), b);
  const text = readFileSync(path, "utf8");
  const original = canonicalJson(JSON.parse(text));
  const mutated = join(dir, `${name.replace(/ /g, "-")}.mutated.json`);
  const verify = (t: string) => {
    writeFileSync(mutated, t);
    return verifyBundleFile(mutated).problems;
  };

  it("accepts the file as written", () => {
    expect(verifyBundleFile(path).problems).toEqual([]);
  });

  it("reports any one-character change inside the body's strings and numbers", () => {
    const offsets = literalOffsets(text, text.indexOf('"body"') + 7);
    expect(offsets.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(fc.constantFrom(...offsets), replacement, (i, c) => {
        fc.pre(text[i] !== c);
        const problems = verify(text.slice(0, i) + c + text.slice(i + 1));
        expect(problems.length).toBeGreaterThan(0);
        expect(["altered", "unreadable"]).toContain(problems[0]!.kind);
      }),
      { numRuns: 300 },
    );
  });

  it("reports any one-character change anywhere, unless the content is unchanged (whitespace)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length - 1 }), replacement, (i, c) => {
        fc.pre(text[i] !== c);
        const t = text.slice(0, i) + c + text.slice(i + 1);
        if (verify(t).length === 0) expect(canonicalJson(JSON.parse(t))).toBe(original);
      }),
      { numRuns: 300 },
    );
  });

  it("reports a dropped character anywhere unless the content is unchanged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length - 1 }), (i) => {
        const t = text.slice(0, i) + text.slice(i + 1);
        if (verify(t).length === 0) expect(canonicalJson(JSON.parse(t))).toBe(original);
      }),
      { numRuns: 200 },
    );
  });
});
