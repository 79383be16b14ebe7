/**
 * After `tsc`: the package root (dist/index.js) and each CLI command (dist/cli/commands/*.js)
 * are rebundled in place by esbuild. Loading ~160 small modules costs Node's loader more than
 * running them (resolve, stat, read, link per module, and more so on a loaded machine): a
 * one-row `rulers judge` spent about a quarter of its start-up there (issue 21), and the root
 * import budget is 150 ms (issue 16).
 *
 * Each entry is its own build, with code splitting: what it imports statically is one file,
 * and every dynamic `import()` stays a separate, lazily loaded chunk (so the root's and a
 * command's lazy parts stay lazy). One build over all entries would share code between
 * commands instead, but a command would then load dozens of shared chunks; a command runs
 * alone in its process, so a copy of the shared code in each is cheaper. A command's chunks sit
 * beside it in dist/cli/commands/ and the root's in dist/chunks/, named by content hash (the
 * same source gives the same files). The dispatcher dist/cli/main.js stays as tsc wrote it;
 * the error classes it tests commands' failures against (util/errors.js, cli/io.js) stay
 * outside every command bundle, so `instanceof` sees one class. Dependencies stay external and
 * load on first use (src/util/packages.ts). The declaration files are tsc's, unchanged.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { build } from "esbuild";

const dist = resolve("dist");
const commandsDir = resolve(dist, "cli/commands");
const CHUNK = /-[A-Z0-9]{8}\.js(\.map)?$/;

// Chunks of an earlier build would otherwise stay behind and ship.
rmSync(resolve(dist, "chunks"), { recursive: true, force: true });
for (const f of readdirSync(commandsDir)) if (CHUNK.test(f)) rmSync(resolve(commandsDir, f));
const commands = readdirSync(commandsDir)
  .filter((f) => f.endsWith(".js"))
  .sort();

/** Modules whose one instance the dispatcher and every command must share. */
const shared = new Set([resolve(dist, "util/errors.js"), resolve(dist, "cli/io.js")]);
const keepShared = {
  name: "keep-shared",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (!shared.has(path)) return undefined;
      // Every output of a command build sits in dist/cli/commands/, so one relative path fits all.
      return { path: relative(commandsDir, path).replaceAll("\\", "/"), external: true };
    });
  },
};

const common = {
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // Chains tsc's source maps, so stack traces still name src/ files and lines; src/ does not
  // ship, so the maps carry no copy of it.
  sourcemap: true,
  sourcesContent: false,
  outbase: "dist",
  outdir: "dist",
  write: false,
  logLevel: "warning",
};

// All builds read tsc's files before any is overwritten (one command imports another's module).
const results = await Promise.all([
  build({ ...common, entryPoints: ["dist/index.js"], chunkNames: "chunks/[name]-[hash]" }),
  ...commands.map((f) =>
    build({
      ...common,
      entryPoints: [`dist/cli/commands/${f}`],
      chunkNames: "cli/commands/[name]-[hash]",
      plugins: [keepShared],
    }),
  ),
]);
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
    writeFileSync(out.path, out.path.endsWith(".js") ? asciiOnly(out.text) : out.contents);
  }
