// A module-load hook for tests that check what an import pulls in: every module loaded (ES
// modules through the loader, CommonJS and require(esm) through Module._load) is written to
// stderr as `@module <url or path>`. Use: node --import ./tests/helpers/module-log.mjs …
import { writeSync } from "node:fs";
import { createRequire, isBuiltin, register } from "node:module";
import { isMainThread } from "node:worker_threads";

const log = (what) => writeSync(2, `@module ${what}\n`);

// Loaded twice: by --import on the main thread (which registers it) and as the hooks module on
// the loader thread (where only the `load` export matters).
if (isMainThread) {
  register(import.meta.url);
  const Module = createRequire(import.meta.url)("node:module");
  const original = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = original.apply(this, [request, parent, isMain]);
    if (!isBuiltin(request)) {
      try {
        log(Module._resolveFilename(request, parent, isMain));
      } catch {}
    }
    return loaded;
  };
}

export async function load(url, context, next) {
  const r = await next(url, context);
  log(url);
  return r;
}
