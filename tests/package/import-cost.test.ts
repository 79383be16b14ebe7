/**
 * Importing the package root must not load the heavy dependencies (issue 16): the parser
 * generator, schema libraries, provider SDKs, the server and the chart libraries load on the
 * first call that needs them. Checked by what a module-load hook sees, not by timing (the
 * figures are in bench/import-cost.bench.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const entry = pathToFileURL(resolve(root, "src/index.ts")).href;

const HEAVY = [
  "chevrotain",
  "lodash-es",
  "zod",
  "ajv",
  "openai",
  "@anthropic-ai/sdk",
  "@google/genai",
  "fastify",
  "@observablehq/plot",
  "d3",
  "@resvg/resvg-js",
  "diff",
  "csv-parse",
  "re2js",
  "gpt-tokenizer",
  "linkedom",
  "prom-client",
  "vscode-languageserver",
  "hyparquet",
  "hyparquet-compressors",
];

/** Package names in the hook's `@module` lines (tests/helpers/module-log.mjs). */
function packagesIn(stderr: string): Set<string> {
  const names = new Set<string>();
  for (const m of stderr.matchAll(/^@module .*?node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) names.add(m[1]!);
  return names;
}

function run(script: string): { packages: Set<string>; modules: string[] } {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--import", "./tests/helpers/module-log.mjs", "--input-type=module", "-e", script],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`the script failed (${r.status}): ${r.stderr}`);
  return { packages: packagesIn(r.stderr), modules: r.stderr.split("\n").filter((l) => l.startsWith("@module ")) };
}

describe("importing the package root", () => {
  it("loads none of the heavy dependencies", () => {
    const { packages, modules } = run(`await import(${JSON.stringify(entry)});`);
    // The hook works: it saw the package's own modules.
    expect(modules.some((m) => m.includes("/src/index.ts"))).toBe(true);
    expect(HEAVY.filter((p) => packages.has(p))).toEqual([]);
  }, 60_000);

  it("loads none of them from the built, bundled root either", () => {
    // The published root is an esbuild bundle (scripts/bundle-dist.mjs): one file for what it
    // imports statically, and a chunk per dynamic import, which must stay lazy there too.
    const built = resolve(root, "dist/index.js");
    if (!existsSync(built)) throw new Error("dist/index.js is missing: run `npm run build` first");
    const { packages, modules } = run(`await import(${JSON.stringify(pathToFileURL(built).href)});`);
    expect(modules.some((m) => m.includes("/dist/index.js"))).toBe(true);
    expect(HEAVY.filter((p) => packages.has(p))).toEqual([]);
  }, 60_000);

  it("loads what a function needs when it is first called", () => {
    const { packages } = run(
      `const { compile, loadBundle } = await import(${JSON.stringify(entry)});
       const r = compile("rubric x version 1.0.0\\nscale 1 to 6\\ncriterion c \\"C\\" \\"is it good\\" levels 1 to 6 end");
       loadBundle(${JSON.stringify(resolve(root, "bundles/asap.persuasive-essay/1.0.0/bundle.json"))});`,
    );
    expect(packages.has("chevrotain")).toBe(true);
    // Still nothing the call did not need: a well-formed bundle's shape is checked without zod
    // (src/bundle/file-shape.generated.ts), which loads only to word a refusal.
    expect(
      ["zod", "ajv", "openai", "@anthropic-ai/sdk", "@google/genai", "fastify", "@observablehq/plot"].filter((p) =>
        packages.has(p),
      ),
    ).toEqual([]);
  }, 60_000);
});
