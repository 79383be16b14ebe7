import { describe, expect, it } from "vitest";
import type { CheckIR, CheckTest } from "../../src/compile/index.js";
import { runCheck } from "../../src/score/index.js";

const chat = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Weather in Oslo?" },
  {
    role: "assistant",
    content: null,
    tool_calls: [
      { id: "1", function: { name: "get_weather", arguments: '{"city": "Oslo", "unit": "kelvin"}' } },
      { id: "2", function: { name: "get_weather", arguments: '{"city": "Oslo", "unit": "celsius"}' } },
    ],
  },
  { role: "tool", tool_call_id: "2", content: '{"temp": 3}' },
  { role: "assistant", content: "It is 3 °C in Oslo." },
];
const check = (test: CheckTest): CheckIR => ({ id: "k", title: "k", section: null, test, weight: null, points: null });
const run = (test: CheckTest, value: unknown = chat) => runCheck(check(test), { chat: value });
const celsius = { type: "object", properties: { unit: { enum: ["celsius"] } }, required: ["city", "unit"] };

describe("checks over conversations", () => {
  it("a tool was called, with some call's arguments matching a JSON Schema", () => {
    const t = { kind: "tool_call", input: "chat", tool: "get_weather", schema: null, negate: false } as const;
    expect(run(t)).toEqual({ id: "k", passed: true, detail: "`get_weather` was called 2 times" });
    expect(run({ ...t, schema: celsius })).toEqual({
      id: "k",
      passed: true,
      detail: "`get_weather` was called 2 times; call 2's arguments match the schema",
    });
    const fahrenheit = { ...celsius, properties: { unit: { enum: ["fahrenheit"] } } };
    const r = run({ ...t, schema: fahrenheit });
    expect(r.passed).toBe(false);
    expect(r.detail).toMatch(/never with arguments matching the schema \(value\/unit must be equal to one of/);
    expect(run({ ...t, tool: "send_email" })).toMatchObject({ passed: false, detail: "`send_email` was not called" });
    expect(run({ ...t, tool: "send_email", negate: true }).passed).toBe(true);
    expect(run({ ...t, negate: true }).passed).toBe(false);
  });

  it("counts turns", () => {
    const t = { kind: "count", input: "chat", unit: "turns", min: 2, max: 4 } as const;
    expect(run(t)).toEqual({ id: "k", passed: false, detail: "5 turns, more than 4" });
    expect(run({ ...t, max: 5 }).passed).toBe(true);
  });

  it("tests a role's last message, and says when the role never spoke", () => {
    const t = { kind: "regex", input: "chat", last: "assistant", pattern: "°C", flags: "", negate: false } as const;
    expect(run(t)).toMatchObject({ passed: true, detail: "pattern found" });
    expect(run({ ...t, last: "user", pattern: "Oslo\\?$" }).passed).toBe(true);
    expect(run({ ...t, last: "developer" })).toMatchObject({
      passed: false,
      detail: "`chat` has no `developer` message",
    });
    const c = {
      kind: "contains",
      input: "chat",
      last: "system",
      text: "brief",
      ignore_case: false,
      negate: false,
    } as const;
    expect(run(c).passed).toBe(true);
  });

  it("fails, with the reason, on a row whose input is not a conversation", () => {
    const t = { kind: "count", input: "chat", unit: "turns", min: 1, max: null } as const;
    expect(run(t, "just text")).toEqual({
      id: "k",
      passed: false,
      detail:
        "input `chat` is not a conversation: it is text, not a list of messages (a conversation is a JSON list of {role, content})",
    });
  });
});
