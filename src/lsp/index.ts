export { Analysis, pathToUri, uriToPath } from "./analysis.js";
export { type Fix, fixFor } from "./fixes.js";
export { DEFAULT_DEBOUNCE_MS, type ServerOptions, startServer } from "./server.js";
