/**
 * Builds the VS Code extension (esbuild) and packages it (vsce) the way CI does, then reads the
 * .vsix back: the manifest, language configuration, grammar and bundled client must be inside.
 * The extension keeps its own lock; its dependencies are installed here if they are missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { textMateGrammar } from "../../src/lsp/textmate.js";

const DIR = "editors/vscode";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The entries of a zip file (a .vsix is one), from its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    out.set(name, method === 8 ? inflateRawSync(raw) : raw);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe("the VS Code extension", () => {
  it("builds and packages to a .vsix with the grammar, configuration and language client", () => {
    if (!existsSync(join(DIR, "node_modules"))) {
      execFileSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: DIR, stdio: "pipe" });
    }
    execFileSync(npm, ["run", "package"], { cwd: DIR, stdio: "pipe" });
    const files = unzip(readFileSync(join(DIR, "rulers-rubric.vsix")));
    const manifest = JSON.parse(files.get("extension/package.json")!.toString("utf8"));
    expect(manifest.contributes.languages[0]).toMatchObject({ id: "rubric", extensions: [".rubric"] });
    expect(manifest.contributes.commands.map((c: { command: string }) => c.command)).toEqual(
      expect.arrayContaining(["rulers.compile", "rulers.verify", "rulers.diff"]),
    );
    expect(JSON.parse(files.get("extension/syntaxes/rubric.tmLanguage.json")!.toString("utf8"))).toEqual(
      textMateGrammar(),
    );
    expect(JSON.parse(files.get("extension/language-configuration.json")!.toString("utf8")).comments).toEqual({
      lineComment: "#",
    });
    const { indentationRules } = JSON.parse(files.get("extension/language-configuration.json")!.toString("utf8"));
    const increase = new RegExp(indentationRules.increaseIndentPattern);
    expect(increase.test('  criterion clarity "Clear"')).toBe(true);
    expect(increase.test("gate g when x is met cap score at 1 end")).toBe(false);
    expect(increase.test("  weight 2")).toBe(false);
    expect(new RegExp(indentationRules.decreaseIndentPattern).test("  end")).toBe(true);
    const bundle = files.get("extension/dist/extension.js")!.toString("utf8");
    // The language client is bundled in, and `vscode` is left to the editor.
    expect(bundle).toContain('require("vscode")');
    expect(bundle).not.toMatch(/require\("vscode-languageclient/);
    expect([...files.keys()].some((f) => f.startsWith("extension/src/") || f.includes("node_modules"))).toBe(false);
  }, 300_000);
});
