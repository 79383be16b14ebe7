#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import module from "node:module";

// Node ≥ 22.1 can keep V8's compiled code for the dispatcher's modules between runs (in the OS
// temp directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off); a no-op on Node 20. The commands
// themselves are compiled with rulers' own code cache on every version (src/cli/command-loader.ts).
module.enableCompileCache?.();
// Imported after that call, so the dispatcher is cached too.
const { main } = await import("../dist/cli/main.js");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`rulers: internal error: ${err?.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
