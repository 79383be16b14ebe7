/**
 * The heavy dependencies, each loaded on first use (see lazy.ts). Code that needs one at run
 * time calls its loader here instead of importing it at the top; types still come from a
 * plain `import type`. tests/package/import-cost.test.ts checks the root import loads none.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { lazy, lazyPackage } from "./lazy.js";

const require = createRequire(import.meta.url);

export const ajvPackage = lazyPackage<typeof import("ajv")>("ajv");
export const csvParseSync = lazyPackage<typeof import("csv-parse/sync")>("csv-parse/sync");
export const diffPackage = lazyPackage<typeof import("diff")>("diff");
export const openaiPackage = lazyPackage<typeof import("openai")>("openai");
export const re2jsPackage = lazyPackage<typeof import("re2js")>("re2js");
export const zodPackage = lazyPackage<typeof import("zod")>("zod");

/**
 * Node's TLS client and compression, each loaded on first use: a judge at http://localhost that
 * answers uncompressed needs neither, and loading them was several milliseconds of every run's
 * start-up (util/http-request.ts); the report needs only zlib.
 */
export const httpsModule = lazy(() => require("node:https") as typeof import("node:https"));
export const zlibModule = lazy(() => require("node:zlib") as typeof import("node:zlib"));
/** For the regex patterns RE2JS cannot take (rare), not loaded by every judge run. */
export const vmModule = lazy(() => require("node:vm") as typeof import("node:vm"));

/**
 * Chevrotain's own single-file ES build (lib/chevrotain.mjs, lodash inlined) rather than its
 * module tree: one file instead of ~700 (its lodash-es imports), and a file that loads the same
 * way under tsx, whose require hook cannot follow the tree's import-only subpackages. Nothing in
 * rulers imports Chevrotain's values any other way (elsewhere it is `import type` only).
 */
export const chevrotainPackage = lazy(() => {
  const api = require.resolve("chevrotain");
  const single = join(dirname(api), "..", "chevrotain.mjs");
  return require(single) as typeof import("chevrotain");
});
