import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { promptSha256 } from "../../src/execute/prompt-hash.js";
import type { Message } from "../../src/judge/prompt.js";

const whole = (m: readonly unknown[]) => createHash("sha256").update(JSON.stringify(m)).digest("hex");

describe("promptSha256", () => {
  it("equals sha256 of the conversation's JSON, with the system prefix reused across rows", () => {
    const system: Message = { role: "system", content: 'The rubric: "quoted", \\ back\nslash, ünïcode, \u2028' };
    for (let i = 0; i < 3; i++) {
      const convo: Message[] = [system, { role: "user", content: `row ${i}: <fenced> "text"` }];
      expect(promptSha256(convo)).toBe(whole(convo));
    }
    const repaired: Message[] = [
      system,
      { role: "user", content: "u" },
      { role: "assistant", content: "{}" },
      { role: "user", content: "again" },
    ];
    expect(promptSha256(repaired)).toBe(whole(repaired));
    // Same content, other system text: a different prefix.
    const other: Message[] = [
      { role: "system", content: "another rubric" },
      { role: "user", content: "u" },
    ];
    expect(promptSha256(other)).toBe(whole(other));
    expect(promptSha256(other)).not.toBe(promptSha256([system, { role: "user", content: "u" }]));
  });

  it("hashes conversations without a plain system message whole", () => {
    const noSystem: Message[] = [{ role: "user", content: "only" }];
    expect(promptSha256(noSystem)).toBe(whole(noSystem));
    expect(promptSha256([])).toBe(whole([]));
    const extra = [
      { role: "system", content: "s", name: "x" },
      { role: "user", content: "u" },
    ] as unknown as Message[];
    expect(promptSha256(extra)).toBe(whole(extra));
  });
});
