import { describe, expect, it } from "vitest";
import { parseRubric } from "../../src/syntax/index.js";

describe("a misspelt keyword", () => {
  it.each([
    ["critrion x\nend", "critrion", "criterion"],
    ["criterion x\n  weigth 2\nend", "weigth", "weight"],
    ['input response "r", quoteable', "quoteable", "quotable"],
    ["judge\n  temprature 0\nend", "temprature", "temperature"],
  ])("gets a did-you-mean in the parse error: %s", (body, wrong, right) => {
    const text = `rubric a.b version 1.0.0\n${body}\n`;
    const d = parseRubric(text).diagnostics.find((x) => x.message.includes("did you mean"));
    expect(d?.message).toContain(`\`${wrong}\``);
    expect(d?.message).toMatch(new RegExp(`; did you mean \`${right}\`\\?$`));
    expect(text.slice(d!.span!.start, d!.span!.end)).toBe(wrong);
  });

  it("is not suggested for a word far from every keyword", () => {
    const d = parseRubric("rubric a.b version 1.0.0\nzzzzqqq x\n").diagnostics;
    expect(d.length).toBeGreaterThan(0);
    expect(d.some((x) => x.message.includes("did you mean"))).toBe(false);
  });
});
