/**
 * Random edit sequences through the real server: after every edit, the diagnostics it publishes
 * are the compiler's for the text the edits produce (so incremental sync is right), and
 * requests anywhere in the half-edited text get answers, never a crash.
 */
import { resolve } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { compileSource } from "../../src/compile/index.js";
import { Analysis } from "../../src/lsp/analysis.js";
import { complete } from "../../src/lsp/completion.js";
import { lspDiagnostics } from "../../src/lsp/diagnostics.js";
import { formatEdits } from "../../src/lsp/format.js";
import { hover } from "../../src/lsp/hover.js";
import { definition, references } from "../../src/lsp/navigation.js";
import { outline } from "../../src/lsp/outline.js";
import { semanticTokens } from "../../src/lsp/semantic-tokens.js";
import { LspClient, uriOf } from "../helpers/lsp-client.js";
import { TOKENS_OF_THE_LANGUAGE } from "../helpers/mutate.js";
import { exampleSources } from "../helpers/rubrics.js";

const examples = exampleSources();
const noImports = () => {
  throw Object.assign(new Error("no imports here"), { code: "ENOENT" });
};

describe("every request at every place in the examples and their mutations", () => {
  it("answers without throwing", () => {
    for (const [path, text] of examples) {
      for (const variant of [text, text.slice(0, text.length / 3), text.replace(/end\n/g, "")]) {
        const doc = TextDocument.create(uriOf(resolve(path)), "rubric", 1, variant);
        const a = new Analysis(doc, resolve(path), noImports);
        expect(lspDiagnostics(a).length).toBe(a.result.diagnostics.length);
        semanticTokens(a);
        outline(a);
        formatEdits(a);
        for (let offset = 0; offset <= variant.length; offset += 5) {
          hover(a, offset);
          definition(a, doc.uri, offset);
          references(a, doc.uri, offset, true);
          if (offset % 35 === 0) complete(a, offset);
        }
      }
    }
  });
});

describe("random edits through the server", () => {
  let client: LspClient;
  beforeAll(async () => {
    client = new LspClient();
    await client.initialize();
  }, 60_000);
  afterAll(async () => {
    expect(await client.close()).toBe(0);
  }, 30_000);

  it("publish the compiler's diagnostics for the edited text, and keep answering", async () => {
    const [path, start] = examples.find(([p]) => p.endsWith("asap-essay.rubric"))!;
    const uri = uriOf(resolve(`examples/fuzz-${process.pid}.rubric`));
    await client.open(uri, start);
    let text = start;
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.constantFrom(...TOKENS_OF_THE_LANGUAGE, " ", "\n", "end\n"), fc.string({ maxLength: 6 })),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        for (const e of edits) {
          const doc = TextDocument.create(uri, "rubric", 0, text);
          const start = e.at % (text.length + 1);
          const end = Math.min(text.length, start + e.remove);
          const range = { start: doc.positionAt(start), end: doc.positionAt(end) };
          text = text.slice(0, start) + e.insert + text.slice(end);
          const published = await client.edit(uri, range, e.insert);
          const expected = compileSource(text, resolve(path).replace("asap-essay", `fuzz-${process.pid}`)).diagnostics;
          expect(published.map((d) => d.message)).toEqual(expected.map((d) => d.message));
          await client.request("textDocument/hover", { textDocument: { uri }, position: doc.positionAt(start) });
          await client.request("textDocument/completion", { textDocument: { uri }, position: doc.positionAt(start) });
        }
      }),
      { numRuns: 25 },
    );
    expect(client.logs.join("\n")).not.toMatch(/failed/);
  });
});
