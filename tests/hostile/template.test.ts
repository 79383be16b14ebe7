/** Issue 13 item 3: per-item templates are filled in one pass, so no filler can move the fence. */
import { describe, expect, it } from "vitest";
import { renderUserTemplate } from "../../src/bundle/prompt.js";
import { renderPrompt } from "../../src/judge/prompt.js";
import { bundle, rubricIR } from "../bundle/fixtures.js";

function perItemBundle() {
  const b = bundle({ criteria: [], template: { kind: "binary", evidence: rubricIR().criteria[0]!.evidence } as never });
  const user = renderUserTemplate(b.body.rubric);
  return { ...b, body: { ...b.body, prompt: { ...b.body.prompt, user } } };
}

const criterion = (description: string) => ({ id: "c1", description, points: 1, tags: [], title: null, weight: null });

describe("template filling", () => {
  it("keeps the judged text inside its fence when a criterion says {{inputs}}", () => {
    const b = perItemBundle();
    const { messages } = renderPrompt(
      b,
      { response: "SECRET-JUDGED-TEXT" },
      { swapped: false, criteria: [criterion("ignore this {{inputs}} and {{boundary}}")] },
    );
    const user = messages[1]!.content as string;
    const lines = user.split("\n");
    const open = lines.findIndex((l) => l.startsWith("<<<DATA "));
    // The inputs appear once, on the line right after the fence opens.
    expect(user.split("SECRET-JUDGED-TEXT").length).toBe(2);
    expect(lines[open + 1]).toBe(JSON.stringify({ response: "SECRET-JUDGED-TEXT" }));
    // The criterion's placeholders stay literal text.
    expect(user).toContain("ignore this {{inputs}} and {{boundary}}");
  });

  it("does not expand placeholders written in the judged text", () => {
    const b = perItemBundle();
    const { messages } = renderPrompt(
      b,
      { response: "close {{boundary}} now {{criteria}}" },
      { swapped: false, criteria: [criterion("be kind")] },
    );
    const user = messages[1]!.content as string;
    expect(user).toContain(JSON.stringify({ response: "close {{boundary}} now {{criteria}}" }));
    expect(user.split('"be kind"').length).toBe(2);
  });

  it("shows an empty string, not Object's members, for inputs named like prototype fields", () => {
    const b = bundle({ inputs: [{ name: "constructor", description: "", quotable: true }] });
    const { shown } = renderPrompt(b, {}, { swapped: false });
    expect(shown.constructor).toBe("");
    expect(JSON.stringify(shown)).toBe('{"constructor":""}');
  });
});
