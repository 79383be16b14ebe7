/** Issue 13 item 9: rubric text can neither act on a terminal nor change meaning through fmt. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildBundle } from "../../src/bundle/build.js";
import { compileSource } from "../../src/compile/index.js";
import { formatDiagnostic } from "../../src/diagnostics/index.js";
import { diffRubrics, diffText } from "../../src/drift/index.js";
import { parseRubric, printRubric } from "../../src/syntax/index.js";
import { tempDir } from "../bundle/fixtures.js";
import { runCli } from "../helpers/cli.js";
import { rubric } from "../helpers/rubrics.js";

const { dir, cleanup } = tempDir("rulers-text-");
afterAll(cleanup);

const ESC = "\u001b";
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const noRawControls = (s: string) => expect(s).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);

describe("escapes in quoted strings", () => {
  it("rejects unknown escapes with a diagnostic at the backslash", () => {
    const src = rubric('criterion c "Says \\d digits"\n  binary\nend');
    const d = compileSource(src, "t.rubric").diagnostics;
    expect(d.map((x) => x.code)).toEqual(["unknown-escape"]);
    expect(d[0]!.span!.start).toBe(src.indexOf("\\d"));
    expect(d[0]!.message).toMatch(/unknown escape `\\d`/);
  });
  it("rejects a \\u without four hex digits and accepts the listed escapes", () => {
    expect(compileSource(rubric('criterion c "x \\u12"\n  binary\nend')).diagnostics.map((x) => x.code)).toEqual([
      "unknown-escape",
    ]);
    expect(compileSource(rubric('criterion c "a\\"b\\\\c\\/d\\ne\\tf\\rg\\u00e9"\n  binary\nend')).diagnostics).toEqual(
      [],
    );
  });
});

describe("fmt", () => {
  it("keeps the hash of a rubric with a lone-surrogate escape", () => {
    const src = rubric('criterion c "broken \\ud800 pair"\n  binary\nend');
    const before = compileSource(src, "t.rubric");
    const formatted = printRubric(parseRubric(src, "t.rubric").ast!);
    // Written as UTF-8 and read back, as `rulers fmt` does.
    const roundTrip = Buffer.from(formatted, "utf8").toString("utf8");
    const after = compileSource(roundTrip, "t.rubric");
    expect(after.diagnostics).toEqual([]);
    expect(buildBundle(after.ir!).hash).toBe(buildBundle(before.ir!).hash);
    expect(before.ir!.criteria[0]!.title).toBe("broken \ud800 pair");
  });
  it("writes control characters in multi-line text as escapes, not raw", () => {
    const src = rubric(`criterion c "a\\nb\\u001b[2Jc"\n  binary\nend`);
    const formatted = printRubric(parseRubric(src, "t.rubric").ast!);
    noRawControls(formatted);
    expect(compileSource(formatted).ir!.criteria[0]!.title).toBe(`a\nb${ESC}[2Jc`);
  });
});

describe("terminal output", () => {
  it("escapes control characters in diagnostics, keeping the caret under the span", () => {
    const src = `rubric t.x version 1.0.0\nscale 1 to 5 ${ESC}[2J\u202e bad`;
    const r = compileSource(src, "t.rubric");
    const text = r.diagnostics.map((d) => formatDiagnostic(d, src)).join("\n");
    noRawControls(text);
    expect(text).toContain("\\u{1b}");
    const lines = formatDiagnostic(r.diagnostics[0]!, src).split("\n");
    const caret = lines[3]!.indexOf("^");
    expect(lines[2]!.slice(caret)).toMatch(/^\\u\{1b\}/);
  });

  it("escapes control characters in `rulers diff`", async () => {
    const a = join(dir, "a.rubric");
    const b = join(dir, "b.rubric");
    writeFileSync(a, rubric('criterion c "Clear"\n  binary\nend'));
    writeFileSync(b, rubric(`criterion c """\n  Clear${ESC}[2J${ESC}[H hidden\u202e\n  """\n  binary\nend`));
    const r = await runCli(["diff", a, b]);
    expect(r.code).toBe(0);
    noRawControls(r.stdout);
    expect(r.stdout).toContain("\\u{1b}[2J");
    const d = diffRubrics(compileSource(readText(a)).ir!, compileSource(readText(b)).ir!);
    noRawControls(diffText(d));
  });

  it("escapes control characters in error messages on stderr", async () => {
    const r = await runCli(["verify", join(dir, `no${ESC}[2Jsuch.json`)]);
    expect(r.code).not.toBe(0);
    noRawControls(r.stderr);
    expect(r.stderr).toContain("\\u{1b}[2J");
  });
});

function readText(p: string): string {
  return readFileSync(p, "utf8");
}
