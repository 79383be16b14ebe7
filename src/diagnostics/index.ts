export * from "./diagnostic.js";
export * from "./format.js";
export * from "./location.js";
