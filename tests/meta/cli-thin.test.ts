/**
 * The CLI is a thin layer over the library (issue 16): a file in src/cli/ parses flags, calls
 * src/api/ and prints. Checked by what it imports: values only from src/api/, src/cli/,
 * src/util/, src/diagnostics/, the entry points of the other top layers (src/serve/index.ts,
 * src/lsp/index.ts, src/review/index.ts) and Node's built-ins. Types may come from anywhere
 * (`import type` carries no logic). What has not moved yet is listed below with the reason;
 * the list may only shrink: an entry that no longer matches an import fails too.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ALLOWED_FOLDERS = /^(api|cli|util|diagnostics)\//;
const TOP_LAYERS = new Set(["serve/index.ts", "lsp/index.ts", "review/index.ts"]);

/** file → pipeline modules (or packages) it still imports directly, and why. */
const NOT_YET: Record<string, { readonly imports: readonly string[]; readonly why: string }> = {
  "src/cli/calibrate-common.ts": {
    imports: ["calibrate/index.ts"],
    why: "flag values: the method and feature names, and MIN..MAX:STEP scales, parsed for flags",
  },
  "src/cli/row-options.ts": {
    imports: ["rows/index.ts"],
    why: "opens rows with --input-format/--map, printing the notes",
  },
  "src/cli/commands/lsp.ts": {
    imports: ["vscode-languageserver/node"],
    why: "the stdio connection the language server (src/lsp) is started on",
  },
  "src/cli/commands/report.ts": {
    imports: ["report/index.ts", "report/png.ts", "rows/index.ts"],
    why: "renders the HTML, figures and PNGs that api/report.ts reportFromFiles feeds",
  },
  "src/cli/commands/review.ts": {
    imports: ["rows/index.ts", "bundle/index.ts"],
    why: "rows format detection and the bundle read for the review app",
  },
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Modules a file takes values from: static imports and re-exports that are not type-only, and dynamic imports. */
function valueImports(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s)?[^;]*?\sfrom\s+"([^"]+)";/gms))
    if (!m[1]) out.add(m[2]!);
  for (const m of text.matchAll(/^import\s+"([^"]+)";/gm)) out.add(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) out.add(m[1]!);
  return [...out];
}

/** Imports outside the rule, as src/-relative .ts paths (or package names). */
function outsideTheRule(file: string): string[] {
  return valueImports(readFileSync(file, "utf8"))
    .filter((spec) => !spec.startsWith("node:"))
    .map((spec) =>
      spec.startsWith(".") ? relative("src", resolve(dirname(file), spec)).replace(/\.js$/, ".ts") : spec,
    )
    .filter((p) => !(ALLOWED_FOLDERS.test(p) || TOP_LAYERS.has(p)))
    .sort();
}

describe("the CLI is a thin layer over src/api", () => {
  const files = tsFiles("src/cli").sort();

  it("reads the imports it checks", () => {
    expect(files).toContain("src/cli/commands/judge.ts");
    expect(
      valueImports('import { a } from "../x.js";\nimport type { B } from "../y.js";\nawait import("../z.js");'),
    ).toEqual(["../x.js", "../z.js"]);
    // A command that reached into the executor would be caught.
    expect(
      valueImports('import { runJudge } from "../../execute/index.js";').map((s) =>
        relative("src", resolve("src/cli/commands", s)),
      ),
    ).toEqual(["execute/index.js"]);
  });

  it("takes values only from src/api, src/cli, src/util, src/diagnostics and the top layers' entry points", () => {
    const found: Record<string, string[]> = {};
    for (const f of files) {
      const extra = outsideTheRule(f).filter((p) => !NOT_YET[f]?.imports.includes(p));
      if (extra.length) found[f] = extra;
    }
    expect(found).toEqual({});
  });

  it("lists only imports that are still there (the list of what has not moved only shrinks)", () => {
    const stale: string[] = [];
    for (const [f, { imports }] of Object.entries(NOT_YET)) {
      const now = files.includes(f) ? outsideTheRule(f) : [];
      for (const p of imports) if (!now.includes(p)) stale.push(`${f}: ${p}`);
    }
    expect(stale).toEqual([]);
  });

  it("keeps the run, drift and batch workflows out of the commands", () => {
    for (const f of ["judge", "drift", "batch", "audit", "apply", "merge", "calibrate"])
      expect(NOT_YET[`src/cli/commands/${f}.ts`], f).toBeUndefined();
  });
});
