import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { error } from "../../src/diagnostics/index.js";
import { fixFor } from "../../src/lsp/fixes.js";
import { headingAnchor, KEYWORD_DOCS, SPEC_PATH } from "../../src/lsp/keywords.js";
import { KEYWORDS } from "../../src/syntax/index.js";

describe("keyword notes", () => {
  const headings = readFileSync(SPEC_PATH, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("#"))
    .map((l) => l.replace(/^#+\s*/, ""));

  it("link sections the spec has", () => {
    const anchors = new Set(headings.map(headingAnchor));
    for (const [word, doc] of Object.entries(KEYWORD_DOCS)) {
      expect(anchors.has(headingAnchor(doc.section)), `${word} → ${doc.section}`).toBe(true);
    }
  });

  it("are only for words the lexer knows", () => {
    for (const word of Object.keys(KEYWORD_DOCS)) expect(KEYWORDS).toContain(word);
  });

  it("make GitHub-style anchors", () => {
    expect(headingAnchor("Aggregation and rounding")).toBe("aggregation-and-rounding");
    expect(headingAnchor("Per-item criteria")).toBe("per-item-criteria");
  });
});

describe("quick fixes from messages", () => {
  const text = 'import "p.rubric" sha256:aaaa\ncriterion x\n  wieght 2\nend';
  const hash = `sha256:${"ab".repeat(32)}`;

  it("pin an unpinned import after its path", () => {
    const d = error(
      "import-unpinned",
      `import \`p.rubric\` is not pinned; add its hash: \`import "p.rubric" ${hash}\``,
      {
        start: 7,
        end: 17,
      },
    );
    expect(fixFor(d, text)).toMatchObject({ start: 17, end: 17, newText: ` ${hash}` });
  });

  it("replace a stale pin, never the path", () => {
    const message = `\`p.rubric\` has changed: it is pinned to \`sha256:aaaa…\` but its content hashes to \`${hash}\`; review the change, then update the pin`;
    expect(fixFor(error("import-hash-mismatch", message, { start: 18, end: 29 }), text)).toMatchObject({
      start: 18,
      end: 29,
      newText: hash,
    });
    expect(fixFor(error("import-hash-mismatch", message, { start: 7, end: 17 }), text)).toBeNull();
  });

  it("take the did-you-mean word for a single misspelt word only", () => {
    const at = text.indexOf("wieght");
    const d = (start: number, end: number) =>
      error("parsing-error", "expected `end` in the `criterion` but found `wieght`; did you mean `weight`?", {
        start,
        end,
      });
    expect(fixFor(d(at, at + 6), text)).toMatchObject({ newText: "weight", title: "Change `wieght` to `weight`" });
    expect(fixFor(d(at, at + 8), text)).toBeNull();
    expect(fixFor(error("parsing-error", "unexpected `x`", { start: at, end: at + 6 }), text)).toBeNull();
  });
});
