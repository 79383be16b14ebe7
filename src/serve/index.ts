// The server's default cache is the bounded in-memory cache every command uses (--cache-size).
export { memoryCache as lruCache } from "../judge/cache.js";
export { isLoopback } from "./auth.js";
export { loadServed, lookupBundle, type Served, type ServedBundle } from "./bundles.js";
export { serveCache } from "./cache.js";
export { ConfigError, ERROR_STATUS, type ErrorCode, ServeError } from "./errors.js";
export { type OpenRlhfMapping, openRlhfMapping } from "./openrlhf.js";
export { type RewardServer, type ServeOptions, startServer } from "./server.js";
export { type ServeSetup, serveSetup } from "./setup.js";
