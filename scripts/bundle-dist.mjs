/**
 * After `tsc`: the package root (dist/index.js) is rebundled in place by esbuild, and each CLI
 * command (dist/cli/commands/*.js) is bundled into one CommonJS file beside it
 * (dist/cli/commands/<name>.cjs). Loading ~160 small modules costs Node's loader more than
 * running them (resolve, stat, read, link per module, and more so on a loaded machine): a
 * one-row `rulers judge` spent about a quarter of its start-up there (issue 21), and the root
 * import budget is 150 ms (issue 16).
 *
 * The root is built with code splitting: what it imports statically is one file, and every
 * dynamic `import()` stays a separate, lazily loaded chunk in dist/chunks/, named by content
 * hash (the same source gives the same files).
 *
 * A command is one script, not an ES module, because the dispatcher compiles it with a V8 code
 * cache (src/cli/command-loader.ts), which Node 20 offers for scripts only. A command runs alone
 * in its process, so a copy of the shared code in each is cheaper than shared chunks; what it
 * imports lazily is inlined and still runs only when first needed. Three things a script lacks
 * come from the loader, through the `require` it hands the script:
 *   - the error classes the dispatcher tests commands' failures against (util/errors.js,
 *     cli/io.js): the dispatcher's own ES module instances, so `instanceof` sees one class;
 *   - `import.meta.url` and `import.meta.resolve` (the banner's `__rulersMeta`);
 *   - `import()` of a package (a provider SDK, a CSV or Parquet reader), which a script compiled
 *     through node:vm cannot make itself on Node 20: each becomes `__rulersMeta.import()`, made
 *     by the dispatcher's ES module, so packages load exactly as an import would load them.
 * The dispatcher dist/cli/main.js stays as tsc wrote it. Dependencies stay external and load on
 * first use (src/util/packages.ts). The declaration files are tsc's, unchanged.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const dist = resolve("dist");
const commandsDir = resolve(dist, "cli/commands");
const CHUNK = /-[A-Z0-9]{8}\.js(\.map)?$/;

// Chunks and scripts of an earlier build would otherwise stay behind and ship.
rmSync(resolve(dist, "chunks"), { recursive: true, force: true });
for (const f of readdirSync(commandsDir))
  if (CHUNK.test(f) || /\.cjs(\.map)?$/.test(f)) rmSync(resolve(commandsDir, f));
const commands = readdirSync(commandsDir)
  .filter((f) => f.endsWith(".js"))
  .sort();

// What the loader hands a script in place of a module, named once there (tsc has written it).
const { META_MODULE, SHARED_MODULES } = await import(pathToFileURL(resolve(dist, "cli/command-loader.js")).href);
/** Modules whose one instance the dispatcher and every command must share. */
const shared = new Set(Object.keys(SHARED_MODULES).map((specifier) => resolve(commandsDir, specifier)));
const keepShared = {
  name: "keep-shared",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (!shared.has(path)) return undefined;
      // Every command script sits in dist/cli/commands/, so one relative path fits all; the
      // loader maps it to the dispatcher's instance.
      return { path: relative(commandsDir, path).replaceAll("\\", "/"), external: true };
    });
  },
};

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  packages: "external",
  // Chains tsc's source maps, so stack traces still name src/ files and lines; src/ does not
  // ship, so the maps carry no copy of it.
  sourcemap: true,
  sourcesContent: false,
  write: false,
  metafile: true,
  logLevel: "warning",
};

// All builds read tsc's files before any is overwritten (one command imports another's module).
const results = await Promise.all([
  build({
    ...common,
    entryPoints: ["dist/index.js"],
    splitting: true,
    format: "esm",
    outbase: "dist",
    outdir: "dist",
    chunkNames: "chunks/[name]-[hash]",
  }),
  ...commands.map((f) =>
    build({
      ...common,
      entryPoints: [`dist/cli/commands/${f}`],
      format: "cjs",
      outfile: `dist/cli/commands/${f.replace(/\.js$/, ".cjs")}`,
      plugins: [keepShared],
      // ES module code stays strict as a script.
      banner: { js: `"use strict";\nvar __rulersMeta = require(${JSON.stringify(META_MODULE)})(__filename);` },
      define: { "import.meta.url": "__rulersMeta.url", "import.meta.resolve": "__rulersMeta.resolve" },
      // Any other use of import.meta would be undefined in a script: refuse to build.
      logOverride: { "empty-import-meta": "error" },
    }),
  ),
]);

/**
 * A command script's `import("pkg")` calls made by the dispatcher's module instead (see the top
 * of this file). The specifiers are the ones esbuild reports as external dynamic imports, so
 * only those exact calls are rewritten, and a call left behind fails the build.
 */
function routeDynamicImports(text, meta) {
  const specifiers = new Set(
    Object.values(meta.outputs).flatMap((o) =>
      o.imports.filter((i) => i.kind === "dynamic-import" && i.external).map((i) => i.path),
    ),
  );
  for (const s of specifiers) {
    const call = `import(${JSON.stringify(s)})`;
    if (!text.includes(call)) throw new Error(`bundle-dist: no \`${call}\` to route in a command script`);
    text = text.replaceAll(call, `__rulersMeta.import(${JSON.stringify(s)})`);
  }
  const left = /(?<![\w$.])import\s*\(/.exec(text);
  if (left)
    throw new Error(
      `bundle-dist: a dynamic import is left in a command script: ${text.slice(left.index, left.index + 60)}`,
    );
  return text;
}

/**
 * esbuild escapes non-ASCII characters in strings and names but not in regex literals or the
 * comments it keeps, and one `€` makes V8 hold the whole file as a two-byte string: a command's
 * half-megabyte source became a megabyte to decode and keep on every start. A `\uXXXX` escape
 * means the same character in a regex (with or without the `u` flag, a surrogate pair in `u`
 * mode is one code point) and nothing in a comment. Source maps are left as they are: only
 * columns after an escaped character on its own line move.
 */
const asciiOnly = (text) =>
  text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

for (const r of results)
  for (const out of r.outputFiles) {
    mkdirSync(dirname(out.path), { recursive: true });
    if (out.path.endsWith(".cjs")) writeFileSync(out.path, asciiOnly(routeDynamicImports(out.text, r.metafile)));
    else writeFileSync(out.path, out.path.endsWith(".js") ? asciiOnly(out.text) : out.contents);
  }
