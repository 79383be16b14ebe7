#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the `prepare` script).
import module from "node:module";

// Node ≥ 22.1 can keep V8's compiled code for the CLI's modules between runs (in the OS temp
// directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off). Node 20 has no such cache: a no-op there.
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
