/**
 * After `tsc`: the package root (dist/index.js) becomes one file. Importing ~160 small modules
 * costs Node's loader more than running all of them (resolve, stat, read, link per module), and
 * the import budget is 150 ms (issue 16). Dependencies stay external and still load on first use
 * (src/util/packages.ts); the CLI keeps its per-command modules, which load only what a command
 * needs. dist/index.d.ts and the other declaration files are tsc's, unchanged.
 */
import { build } from "esbuild";

await build({
  entryPoints: ["dist/index.js"],
  outfile: "dist/index.js",
  allowOverwrite: true,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // Chains tsc's source maps, so stack traces still name src/ files and lines.
  sourcemap: true,
  logLevel: "warning",
});
