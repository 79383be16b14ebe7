import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { compileSource } from "../../src/compile/index.js";
import { renderPrompt } from "../../src/judge/prompt.js";
import { rubric } from "../helpers/rubrics.js";

const bundle = buildBundle(
  compileSource(
    rubric(`
criterion clear "Clear"
  binary
end`),
    "t.rubric",
  ).ir!,
);
const boundaryOf = (user: string) => /^<<<DATA ([0-9a-f]+)$/m.exec(user)![1]!;

describe("the data fence's boundary (grammar/bundle.md, {{boundary}})", () => {
  it("is derived from the content as documented: sha256(bundle hash, inputs JSON, criteria JSON), 24 hex digits", () => {
    const row = { response: "Hello\nthere" };
    const p = renderPrompt(bundle, row, { swapped: false });
    const inputs = JSON.stringify(row);
    const expected = createHash("sha256").update(`${bundle.hash}\n${inputs}\n`).digest("hex").slice(0, 24);
    expect(boundaryOf(p.messages[1]!.content as string)).toBe(expected);
  });

  it("is the same for the same item every time, and differs when the judged text does", () => {
    const a = renderPrompt(bundle, { response: "one" }, { swapped: false }).messages[1]!.content as string;
    const again = renderPrompt(bundle, { response: "one" }, { swapped: false }).messages[1]!.content as string;
    const b = renderPrompt(bundle, { response: "two" }, { swapped: false }).messages[1]!.content as string;
    expect(again).toBe(a);
    expect(boundaryOf(b)).not.toBe(boundaryOf(a));
  });
});
