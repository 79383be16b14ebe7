import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locateInConversation, prepareConversation } from "../../src/evidence/index.js";
import { conversationJson, parseConversation } from "../../src/util/conversation.js";

const WORDS = ["the", "dose", "is", "10", "mg", "not", "twice", "daily", "call", "your", "doctor", "Ã©", "—", "ok."];
const textArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 30 }).map((w) => w.join(" "));
const roleArb = fc.constantFrom("user", "assistant", "tool", "system");
const opts = { fuzzyThreshold: 0.9 };

describe("quotes located in a conversation (property)", () => {
  it("a span of one message is found in a message holding it, and the offsets slice out the quote", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(roleArb, textArb), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (msgs, pick, a, b) => {
          const c = parseConversation(msgs.map(([role, content]) => ({ role, content })));
          if (!c.ok) throw new Error(c.error);
          const conv = prepareConversation(conversationJson(c.turns))!;
          const turn = pick % msgs.length;
          const text = msgs[turn]![1];
          let [s, e] = [a % text.length, b % (text.length + 1)];
          if (s > e) [s, e] = [e, s];
          const quote = text.slice(s, e);
          if (!/[\p{L}\p{N}]/u.test(quote)) return;
          const m = locateInConversation(conv, quote, undefined, opts);
          expect(m.match).toBe("exact");
          const found = msgs[m.turn!]![1];
          expect(found.slice(m.start, m.end)).toBe(quote);
          // Scoped to the quoted message's role, it is found in a message of that role.
          const role = msgs[turn]![0] as "user" | "assistant" | "tool" | "system";
          const scoped = locateInConversation(conv, quote, role, opts);
          expect(scoped.match).toBe("exact");
          expect(msgs[scoped.turn!]![0]).toBe(role);
        },
      ),
      { numRuns: 300 },
    );
  });
});
