export * from "./types.js";
export * from "./file.js";
export * from "./lock.js";
export * from "./sign.js";
export * from "./verify.js";
export { buildBundle, buildBundleBody } from "./build.js";
export { answerSchema, orderedSchema } from "./answer-schema.js";
export { renderPrompt, renderSystemPrompt, renderUserTemplate } from "./prompt.js";
