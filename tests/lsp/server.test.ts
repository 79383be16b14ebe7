import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Location,
  SemanticTokens,
  TextEdit,
} from "vscode-languageserver-protocol";
import { compileFile } from "../../src/compile/index.js";
import { effectiveShares } from "../../src/drift/index.js";
import { TOKEN_TYPES } from "../../src/lsp/semantic-tokens.js";
import { parseRubric, printRubric } from "../../src/syntax/index.js";
import { LspClient, positionOf, uriOf } from "../helpers/lsp-client.js";
import { exampleSources } from "../helpers/rubrics.js";

let client: LspClient;
beforeAll(async () => {
  client = new LspClient();
  await client.initialize();
}, 60_000);
afterAll(async () => {
  expect(await client.close()).toBe(0);
}, 30_000);

/** A document that exists only in the editor, beside the examples (so imports resolve). */
let n = 0;
const scratch = (dir = "examples") => uriOf(resolve(dir, `unsaved-${process.pid}-${n++}.rubric`));
const VALID = `rubric t.x version 1.0.0
input response "the answer", quotable
input score "an input named like a keyword"
scale 1 to 5

criterion clarity "Clear"
  levels
    1 "muddled"
    2 "clear"
  end
  weight 3
  evidence at least 1 quote from response
end

criterion brief "Brief"
  binary
end

gate muddled
  when clarity level below 2
  cap score at 2
end

gate either
  when clarity level is 1 or brief is unmet
  cap score at 4
end
`;

const at = (uri: string, text: string, needle: string, delta = 0, nth = 0) => ({
  textDocument: { uri },
  position: positionOf(text, needle, delta, nth),
});

describe("diagnostics", () => {
  it("match `rulers compile` on every example rubric", async () => {
    for (const [path, text] of exampleSources()) {
      const published = await client.open(uriOf(resolve(path)), text);
      const cli = compileFile(resolve(path)).diagnostics;
      expect(published.map((d) => [d.code, d.message])).toEqual(cli.map((d) => [d.code, d.message]));
    }
  });

  it("update on every edit, with codes, ranges and a quick fix for a misspelt keyword", async () => {
    const uri = scratch();
    expect(await client.open(uri, VALID)).toEqual([]);
    const broken = VALID.replace("weight 3", "wieght 3");
    const ds = await client.edit(
      uri,
      { start: positionOf(VALID, "weight 3"), end: positionOf(VALID, "weight 3", 6) },
      "wieght",
    );
    expect(ds).toHaveLength(1);
    const d = ds[0]!;
    expect(d.code).toBe("parsing-error");
    expect(d.source).toBe("rulers");
    expect(d.message).toContain("did you mean `weight`?");
    expect(d.range).toEqual({ start: positionOf(broken, "wieght"), end: positionOf(broken, "wieght", 6) });

    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    });
    expect(actions).toHaveLength(1);
    const edits = actions[0]!.edit!.changes![uri]!;
    expect(edits).toEqual([{ range: d.range, newText: "weight" }]);
    expect(await client.edit(uri, edits[0]!.range, edits[0]!.newText)).toEqual([]);
  });

  it("report semantic errors with the compiler's message and position", async () => {
    const uri = scratch();
    const text = VALID.replace("when clarity level below 2", "when clarty level below 2");
    const [d, ...rest] = await client.open(uri, text);
    expect(rest).toEqual([]);
    expect(d!.code).toBe("unknown-reference");
    expect(d!.message).toContain("did you mean `clarity`?");
    expect(d!.range.start).toEqual(positionOf(text, "clarty"));
  });

  it("clear when the document closes", async () => {
    const uri = scratch();
    await client.open(uri, "rubric broken");
    const cleared = client.diagnostics(uri);
    await client.conn.sendNotification("textDocument/didClose", { textDocument: { uri } });
    expect(await cleared).toEqual([]);
  });
});

describe("hover", () => {
  const essay = readFileSync("examples/asap-essay.rubric", "utf8");
  const uri = uriOf(resolve("examples/asap-essay.rubric"));
  beforeAll(() => client.open(uri, essay), 30_000);

  it("gives a criterion's weight share, levels and answer-schema fragment", async () => {
    const h = await client.request<Hover>("textDocument/hover", at(uri, essay, "criterion ideas", 12));
    const value = (h.contents as { value: string }).value;
    const share = effectiveShares(compileFile("examples/asap-essay.rubric").ir!).get("ideas")!;
    expect(value).toContain(`**${(share * 100).toFixed(1).replace(/\.0$/, "")}%** of the total weight`);
    expect(value).toMatch(/\| 1 \| .+ \|/);
    expect(value).toContain('"level"');
    expect(h.range!.start).toEqual(positionOf(essay, 'ideas "Ideas'));
  });

  it("works on a reference as on the declaration", async () => {
    const h = await client.request<Hover>("textDocument/hover", at(uri, essay, "when on_task", 6));
    expect((h.contents as { value: string }).value).toContain("**criterion** `on_task`");
    expect((h.contents as { value: string }).value).toContain("**0%** of the total weight");
  });

  it("describes checks and gates", async () => {
    const check = await client.request<Hover>("textDocument/hover", at(uri, essay, "check long_enough", 7));
    expect((check.contents as { value: string }).value).toContain("without the judge: words of `essay` at least 50");
    expect((check.contents as { value: string }).value).toContain("no weight: it only feeds gates");
    const gate = await client.request<Hover>("textDocument/hover", at(uri, essay, "gate too_short", 6));
    expect((gate.contents as { value: string }).value).toContain("when it fires, caps the score at 2");
  });

  it("explains a keyword and links the spec section that defines it", async () => {
    const h = await client.request<Hover>("textDocument/hover", at(uri, essay, "gate off_topic", 1));
    const value = (h.contents as { value: string }).value;
    expect(value).toContain("**gate**");
    const link = /\]\((file:[^)]+)#([a-z-]+)\)/.exec(value);
    expect(link?.[2]).toBe("gates");
    expect(readFileSync(new URL(link![1]!), "utf8")).toContain("\n## Gates\n");
  });

  it("says nothing over plain text", async () => {
    expect(await client.request("textDocument/hover", at(uri, essay, "Ideas and content", 3))).toBeNull();
  });
});

describe("completion", () => {
  const labels = async (text: string, needle: string, delta: number) => {
    const uri = scratch();
    await client.open(uri, text);
    const items = await client.request<CompletionItem[]>("textDocument/completion", at(uri, text, needle, delta));
    return items.map((i) => i.label);
  };

  it("offers criteria and checks in a gate condition", async () => {
    const text = VALID.replace("when clarity level below 2", "when  level below 2");
    const got = await labels(text, "when  level", 5);
    expect(got).toEqual(expect.arrayContaining(["clarity", "brief"]));
    expect(got).not.toContain("muddled");
  });

  it("offers inputs after `evidence … from`", async () => {
    const text = VALID.replace("from response", "from ");
    const got = await labels(text, "quote from ", 11);
    expect(got).toEqual(expect.arrayContaining(["response", "score"]));
    expect(got).not.toContain("clarity");
  });

  it("offers only the keywords valid in a criterion", async () => {
    const text = VALID.replace("  weight 3\n", "  w\n");
    const got = await labels(text, "  w\n", 3);
    expect(got).toEqual(expect.arrayContaining(["weight", "points", "evidence", "binary", "end"]));
    expect(got).not.toContain("scale");
    expect(got).not.toContain("criterion");
  });

  it("offers scale values after `cap score at`", async () => {
    const text = VALID.replace("cap score at 4", "cap score at ");
    const got = await labels(text, "cap score at ", 13);
    expect(got).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("offers a criterion's levels in a level condition, and aggregation methods", async () => {
    expect(await labels(VALID, "level below 2", 12)).toEqual(["1", "2"]);
    const text = `${VALID}aggregate `;
    expect(await labels(text, "aggregate ", 10)).toEqual(
      expect.arrayContaining(["weighted mean", "points", "minimum"]),
    );
  });

  it("offers nothing inside quoted text or a comment", async () => {
    const text = `${VALID}# a comment with words\n`;
    expect(await labels(text, "Clear", 2)).toEqual([]);
    expect(await labels(text, "comment with", 3)).toEqual([]);
  });

  it("offers the statements a rubric starts with on an empty line", async () => {
    const got = await labels(`${VALID}\n`, "\n\n", 1);
    expect(got).toEqual(expect.arrayContaining(["criterion", "gate", "check", "section", "aggregate", "judge"]));
  });
});

describe("navigation", () => {
  it("goes from a gate to its criterion and finds every reference", async () => {
    const uri = scratch();
    await client.open(uri, VALID);
    const def = await client.request<Location>("textDocument/definition", at(uri, VALID, "clarity level is 1", 2));
    expect(def).toEqual({
      uri,
      range: { start: positionOf(VALID, 'clarity "Clear'), end: positionOf(VALID, 'clarity "Clear', 7) },
    });
    const refs = await client.request<Location[]>("textDocument/references", {
      ...at(uri, VALID, 'clarity "Clear'),
      context: { includeDeclaration: false },
    });
    expect(refs.map((r) => r.range.start)).toEqual([
      positionOf(VALID, "clarity level"),
      positionOf(VALID, "clarity level is 1"),
    ]);
  });

  it("goes from evidence to its input, even one named like a keyword", async () => {
    const uri = scratch();
    const text = VALID.replace("from response", "from score");
    await client.open(uri, text);
    const def = await client.request<Location>("textDocument/definition", at(uri, text, "from score", 6));
    expect(def.range.start).toEqual(positionOf(text, 'score "an input'));
  });

  it("goes from an import to the part, and from a gate to an imported criterion", async () => {
    const uri = scratch();
    const health = readFileSync("examples/health-answer.rubric", "utf8");
    const text = health.replace(
      "gate empty",
      "gate harm\n  when harmful_advice is met\n  set score to 0\nend\n\ngate empty",
    );
    expect((await client.open(uri, text)).filter((d) => d.severity === 1)).toEqual([]);
    const part = resolve("examples/parts/safety.rubric");
    const toPart = await client.request<Location>("textDocument/definition", at(uri, text, "parts/safety", 3));
    expect(toPart.uri).toBe(uriOf(part));
    const partText = readFileSync(part, "utf8");
    const toCriterion = await client.request<Location>(
      "textDocument/definition",
      at(uri, text, "when harmful_advice", 6),
    );
    expect(toCriterion).toEqual({
      uri: uriOf(part),
      range: { start: positionOf(partText, 'harmful_advice "'), end: positionOf(partText, 'harmful_advice "', 14) },
    });
  });
});

describe("formatting and outline", () => {
  it("formats with the printer `rulers fmt` uses, and never a source with syntax errors", async () => {
    const uri = scratch();
    const messy = VALID.replace(/^ +/gm, "").replace("scale 1 to 5", "scale   1 to 5");
    await client.open(uri, messy);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(edits).toHaveLength(1);
    expect(edits[0]!.newText).toBe(printRubric(parseRubric(messy).ast!));
    expect(edits[0]!.newText).toContain("\n  weight 3\n");

    await client.change(uri, `${messy}\ncriterion x "unclosed`);
    const none = await client.request("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(none).toBeNull();
  });

  it("outlines sections, criteria, checks and gates", async () => {
    const uri = uriOf(resolve("examples/health-answer.rubric"));
    await client.open(uri, readFileSync("examples/health-answer.rubric", "utf8"));
    const [root] = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
    expect(root!.name).toBe("health.answer-quality");
    const names = (root!.children ?? []).map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(["conversation", "Completeness and accuracy", "Communication", "empty"]),
    );
    const section = root!.children!.find((s) => s.name === "Communication")!;
    expect(section.children!.map((s) => s.name)).toEqual(["clear", "language", "not_empty"]);
  });
});

describe("semantic tokens", () => {
  it("colour keywords, texts and numbers, and names by what they denote", async () => {
    const uri = scratch();
    await client.open(uri, VALID);
    const { data } = await client.request<SemanticTokens>("textDocument/semanticTokens/full", {
      textDocument: { uri },
    });
    const lines = VALID.split("\n");
    const tokens: { text: string; type: string; declaration: boolean }[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      char = data[i] === 0 ? char + data[i + 1]! : data[i + 1]!;
      tokens.push({
        text: lines[line]!.slice(char, char + data[i + 2]!),
        type: TOKEN_TYPES[data[i + 3]!]!,
        declaration: data[i + 4] === 1,
      });
    }
    const find = (text: string, nth = 0) => tokens.filter((t) => t.text === text)[nth];
    expect(find("rubric")).toEqual({ text: "rubric", type: "keyword", declaration: false });
    expect(find("t.x")?.type).toBe("namespace");
    expect(find("1.0.0")?.type).toBe("number");
    expect(find('"the answer"')?.type).toBe("string");
    // `score` is a keyword, but here it names an input.
    expect(find("score")).toEqual({ text: "score", type: "parameter", declaration: true });
    expect(find("clarity")).toEqual({ text: "clarity", type: "property", declaration: true });
    expect(find("clarity", 1)).toEqual({ text: "clarity", type: "property", declaration: false });
    expect(find("muddled")?.type).toBe("event");
  });
});

describe("imports", () => {
  it("report unpinned and changed imports with a fix that pins them, and errors inside parts", async () => {
    const partUri = scratch();
    const partPath = new URL(partUri).pathname;
    const part = `part p.shared version 1.0.0\ncriterion shared_one "Shared"\n  binary\nend\n`;
    await client.open(partUri, part);
    const uri = scratch();
    const name = partPath.slice(partPath.lastIndexOf("/") + 1);
    const text = `rubric t.imp version 1.0.0\ninput response "r", quotable\nscale 0 to 1\nimport "${name}"\ninstructions "judge"\n`;
    const unpinned = (await client.open(uri, text)).find((d) => d.code === "import-unpinned");
    const [pin] = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: unpinned!.range,
      context: { diagnostics: [unpinned] },
    });
    const edit = pin!.edit!.changes![uri]![0]!;
    expect(edit.newText).toMatch(/^ sha256:[0-9a-f]{64}$/);
    expect(await client.edit(uri, edit.range, edit.newText)).toEqual([]);

    // An unsaved edit to the open part reaches the rubric that imports it.
    const rechecked = client.diagnostics(uri);
    await client.change(partUri, part.replace("binary", "binary\n  weight 2"));
    const [mismatch] = await rechecked;
    expect(mismatch!.code).toBe("import-hash-mismatch");
    expect(
      (
        await client.request<CodeAction[]>("textDocument/codeAction", {
          textDocument: { uri },
          range: mismatch!.range,
          context: { diagnostics: [mismatch] },
        })
      )[0]!.title,
    ).toMatch(/^Update the pin/);

    const broken = client.diagnostics(uri);
    await client.change(partUri, part.replace("binary", "binary\n  weight heavy"));
    const [inside] = (await broken).filter((d) => d.code !== "import-hash-mismatch");
    expect(inside!.code).toBe("weight-not-number");
    expect(inside!.message).toMatch(new RegExp(`^in imported \`${name}\`:4:10: `));
    expect(inside!.range.start).toEqual(positionOf(`${text}`, `"${name}"`));
    expect(inside!.relatedInformation![0]!.location.uri).toBe(partUri);
  });

  it("report an import that cannot be read as a diagnostic", async () => {
    const uri = scratch();
    const text = `rubric t.imp version 1.0.0\ninput response "r"\nscale 0 to 1\nimport "no/such/part.rubric" sha256:00\ncriterion a\nend\n`;
    const ds = await client.open(uri, text);
    expect(ds.map((d) => d.code)).toEqual(["import-not-found"]);
    expect(ds[0]!.range.start).toEqual(positionOf(text, '"no/such'));
  });
});

describe("bad input", () => {
  it("never crashes on garbage, half-typed text or positions past the end", async () => {
    const uri = scratch();
    await client.open(uri, "");
    const garbage = [
      "\u0000\u0001\uffff",
      'rubric x version 1.0.0\ncriterion a "unterminated\nlevels\n1 """',
      "}}}{{{ /// ###",
      VALID.slice(0, VALID.length / 2),
      'rubric x version 1.0.0\nimport "/dev/null" sha256:\nimport "." \nimport "../../../../../../../etc/shadow"',
      // Must not read the server's own protocol stream (it would hang or corrupt it).
      'rubric x version 1.0.0\nimport "/dev/stdin" sha256:00\nimport "/dev/zero"\nimport "/proc/self/fd/0"',
      "rubric rubric version version\ncriterion criterion criterion end end end",
      VALID.replaceAll("\n", "\r\n"),
      "\ud800".repeat(50),
    ];
    for (const text of garbage) {
      const ds: Diagnostic[] = await client.change(uri, text);
      expect(Array.isArray(ds)).toBe(true);
      for (const method of ["textDocument/hover", "textDocument/completion", "textDocument/definition"]) {
        for (const position of [
          { line: 0, character: 3 },
          { line: 2, character: 1 },
          { line: 999, character: 999 },
        ])
          await client.request(method, { textDocument: { uri }, position });
      }
      await client.request("textDocument/semanticTokens/full", { textDocument: { uri } });
      await client.request("textDocument/documentSymbol", { textDocument: { uri } });
      await client.request("textDocument/formatting", {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
    }
    // Still alive and still checking.
    expect(await client.change(uri, VALID)).toEqual([]);
    expect(client.logs.join("\n")).not.toMatch(/failed/);
  });

  it("answers requests for documents it does not have", async () => {
    const uri = uriOf(resolve("nowhere.rubric"));
    expect(
      await client.request("textDocument/hover", { textDocument: { uri }, position: { line: 0, character: 0 } }),
    ).toBeNull();
    expect(
      await client.request("textDocument/completion", { textDocument: { uri }, position: { line: 0, character: 0 } }),
    ).toEqual([]);
  });
});

describe("the process", () => {
  it("exits when the client goes away without saying so", async () => {
    // Not even initialized: nothing but the closed input tells it to go.
    const early = new LspClient();
    early.endInput();
    expect(await early.exited).toBe(1);
    const orphan = new LspClient();
    await orphan.initialize();
    orphan.endInput();
    // 1: the protocol's code for an exit without `shutdown`.
    expect(await orphan.exited).toBe(1);
  }, 60_000);
});
