/**
 * A record's `prompt_sha256`: sha256 of the conversation as JSON (`JSON.stringify(messages)`).
 * Every row's conversation starts with the same system message (the whole rubric, several KB),
 * so the hash state after it is kept and copied instead of encoding and hashing it once per row;
 * the digest is the same as hashing the whole JSON text.
 */
import { createHash, type Hash } from "node:crypto";
import type { Message } from "../judge/prompt.js";
import { jsonOnce } from "../util/json-once.js";

const prefixes = new Map<string, Hash>();

export function promptSha256(messages: readonly Message[]): string {
  const first = messages[0];
  // Only a plain {role, content} message is keyed by its content alone.
  if (
    first === undefined ||
    first.role !== "system" ||
    typeof first.content !== "string" ||
    Object.keys(first).length !== 2
  )
    return createHash("sha256").update(JSON.stringify(messages)).digest("hex");
  const content = first.content;
  let state = prefixes.get(content);
  if (!state) {
    state = createHash("sha256").update(`[${JSON.stringify(first)}`);
    if (prefixes.size >= 64) prefixes.clear();
    prefixes.set(content, state);
  }
  const h = state.copy();
  // Separate updates: one string per message would be a copy of it (flattened, then encoded).
  for (let i = 1; i < messages.length; i++) h.update(",").update(jsonOnce(messages[i]!));
  return h.update("]").digest("hex");
}
