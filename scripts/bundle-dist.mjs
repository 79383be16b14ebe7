/**
 * After `tsc`: the package root (dist/index.js) and the CLI (dist/cli/main.js and each command
 * under dist/cli/commands/) are rebundled in place by esbuild, with code splitting. Loading ~160
 * small modules costs Node's loader more than running them (resolve, stat, read, link per
 * module): a one-row `rulers judge` spent about a quarter of its start-up there (issue 21), and
 * the import budget is 150 ms (issue 16). With `splitting`, code that several entry points use
 * lives once in a shared chunk (dist/chunks/, named by content hash, so the same source gives
 * the same files), and every dynamic `import()` stays a separate, lazily loaded file: a command
 * still loads only what it needs, and the root's lazy parts stay lazy. Dependencies stay
 * external and load on first use (src/util/packages.ts). The other files tsc wrote stay as they
 * are (benchmarks import them); the declaration files are tsc's, unchanged.
 */
import { readdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

const commands = readdirSync("dist/cli/commands")
  .filter((f) => f.endsWith(".js"))
  .sort()
  .map((f) => `dist/cli/commands/${f}`);

// Chunks of an earlier build would otherwise stay behind and ship.
rmSync("dist/chunks", { recursive: true, force: true });

await build({
  entryPoints: ["dist/index.js", "dist/cli/main.js", ...commands],
  outdir: "dist",
  outbase: "dist",
  chunkNames: "chunks/[name]-[hash]",
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // Chains tsc's source maps, so stack traces still name src/ files and lines.
  sourcemap: true,
  logLevel: "warning",
});
