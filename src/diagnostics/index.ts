export * from "./diagnostic.js";
export * from "./location.js";
export * from "./format.js";
