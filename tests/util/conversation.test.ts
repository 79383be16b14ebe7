import { describe, expect, it } from "vitest";
import { conversationJson, parseConversation, segmentsOf } from "../../src/util/conversation.js";

describe("conversation inputs", () => {
  it("accepts messages, {messages}, or JSON text of either, and gives one shape", () => {
    const msgs = [
      {
        role: "user",
        content: [
          { type: "text", text: "Hi" },
          { type: "text", text: "there" },
        ],
      },
      { role: "assistant", content: null, tool_calls: [{ id: "x", function: { name: "f", arguments: { a: 1 } } }] },
      { role: "tool", tool_call_id: "x", content: "ok" },
    ];
    const a = parseConversation(msgs);
    const b = parseConversation(JSON.stringify({ messages: msgs }));
    expect(a).toEqual(b);
    expect(a.ok && a.turns).toEqual([
      { role: "user", content: "Hi\n\nthere" },
      { role: "assistant", content: "", tool_calls: [{ id: "x", name: "f", arguments: '{"a":1}' }] },
      { role: "tool", content: "ok", tool_call_id: "x" },
    ]);
    // The canonical form reads back to the same turns.
    const again = parseConversation(conversationJson(a.ok ? a.turns : []));
    expect(again).toEqual(a);
    expect(segmentsOf(a.ok ? a.turns : []).map((s) => [s.turn, s.field])).toEqual([
      [0, "content"],
      [1, "tool_calls[0].function.arguments"],
      [2, "content"],
    ]);
  });

  it("says which message is wrong and how", () => {
    const err = (v: unknown) => {
      const r = parseConversation(v);
      return r.ok ? null : r.error;
    };
    expect(err("plain text")).toMatch(/^is text, not a list of messages/);
    expect(err([])).toBe("has no messages");
    expect(err([{ role: "bot", content: "x" }])).toMatch(/^messages\[0\]\.role is "bot"; use one of `system`/);
    expect(err([{ role: "user", content: 5 }])).toBe(
      "messages[0].content must be a string, null or a list of text parts",
    );
    expect(err([{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }])).toMatch(
      /content\[0\] is not a text part \(type `image_url`\); declare images as `image` inputs/,
    );
    expect(err([{ role: "user", content: "x", tool_calls: [] }])).toBe(
      "messages[0] has tool_calls but its role is `user`, not `assistant`",
    );
    expect(
      err([{ role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: "{oops" } }] }]),
    ).toMatch(/^messages\[0\]\.tool_calls\[0\]\.function\.arguments is not valid JSON: /);
    expect(err([{ role: "assistant", tool_calls: [{ function: { arguments: "{}" } }] }])).toBe(
      "messages[0].tool_calls[0].function.name must be a non-empty string",
    );
  });
});
