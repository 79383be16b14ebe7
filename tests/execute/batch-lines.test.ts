import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Bundle } from "../../src/bundle/types.js";
import { type JudgeSettings, planCalls } from "../../src/execute/index.js";

const bundle = JSON.parse(readFileSync("bundles/asap.persuasive-essay/1.0.0/bundle.json", "utf8")) as Bundle;
const settings = (over: Partial<JudgeSettings>): JudgeSettings => ({
  models: ["m", "n\u00e9"],
  temperature: 0,
  samples: 2,
  seed: 3,
  max_tokens: null,
  format: "json_schema",
  maxRepairs: 1,
  maxInputChars: 1e6,
  ...over,
});
const rows = [
  { id: "a", prompt: "Write.", essay: "Plain text." },
  {
    id: "b/\u00e9",
    prompt: "\u201cQuote\u201d \u2014 dash",
    essay: 'Emoji \u{1F600}, quotes \u2018x\u2019, "escaped" \\ and\nnew lines.',
  },
];

describe("batch request lines", () => {
  for (const [name, over] of [
    ["json_schema", {}],
    ["json mode", { format: "json" as const }],
    ["tools", { format: "tools" as const }],
    ["anthropic", { provider: "anthropic" as const, max_tokens: 100 }],
  ] as const)
    it(`are the same bytes as pieces and as text (${name})`, () => {
      for (const row of rows) {
        const calls = planCalls(bundle, settings(over), row, row.id);
        expect(calls.length).toBe(4);
        for (const c of calls) {
          const text = c.line();
          expect(Buffer.concat(c.pieces()).toString("utf8")).toBe(text);
          // Twice: the second time the shared pieces come from the cache.
          expect(Buffer.concat(c.pieces()).equals(Buffer.from(text, "utf8"))).toBe(true);
          expect(JSON.parse(text).custom_id).toBe(c.custom_id);
        }
      }
    });
});
