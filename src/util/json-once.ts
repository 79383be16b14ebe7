/**
 * JSON text of an object that is serialized more than once and never changed: a judge call's
 * user message is serialized for the request body and again for the record's `prompt_sha256`,
 * and for a long judged text each copy is kilobytes. Callers hand in objects they do not
 * mutate afterwards (messages are built once per row and replaced, never edited).
 *
 * The text is kept on the object itself, under a symbol that is neither enumerable nor copied
 * by a spread, so it lives exactly as long as the object. A module-level WeakMap did the same
 * but cost more than it saved: V8's young-generation collector treats a WeakMap's values as
 * live, so every row's message text outlived its row and was copied and promoted.
 */
const TEXT = Symbol("rulers.json");

type Memo = { [TEXT]?: string };

/** `JSON.stringify(value)`, made once per object. */
export function jsonOnce(value: object): string {
  const memo = value as Memo;
  let s = memo[TEXT];
  if (s === undefined) {
    s = JSON.stringify(value);
    // A frozen object (a caller's constant) is serialized each time instead.
    if (Object.isExtensible(value)) Object.defineProperty(value, TEXT, { value: s });
  }
  return s;
}
