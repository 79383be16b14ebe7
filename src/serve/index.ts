export { isLoopback } from "./auth.js";
export { loadServed, lookupBundle, type Served, type ServedBundle } from "./bundles.js";
export { ConfigError, ERROR_STATUS, type ErrorCode, ServeError } from "./errors.js";
export { lruCache } from "./lru-cache.js";
export { type OpenRlhfMapping, openRlhfMapping } from "./openrlhf.js";
export { type RewardServer, type ServeOptions, startServer } from "./server.js";
export { type ServeSetup, serveSetup } from "./setup.js";
