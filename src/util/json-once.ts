/**
 * JSON text of an object that is serialized more than once and never changed: a judge call's
 * user message is serialized for the request body and again for the record's `prompt_sha256`,
 * and for a long judged text each copy is kilobytes. Callers hand in objects they do not
 * mutate afterwards (messages are built once per row and replaced, never edited).
 */
const texts = new WeakMap<object, string>();

/** `JSON.stringify(value)`, made once per object. */
export function jsonOnce(value: object): string {
  let s = texts.get(value);
  if (s === undefined) {
    s = JSON.stringify(value);
    texts.set(value, s);
  }
  return s;
}
