/**
 * `{ ...base, ...extra }` for objects made once per row, call or quote.
 *
 * On Node 20 (V8 11) an object literal that starts with a spread and then adds properties
 * (`{ ...base, more }`) gets a hidden class of its own on every evaluation: the clone's map sits
 * outside V8's transition tree, so each added property makes a new map and descriptor array in
 * old space. A 20,000-row run made about 11 of them per row; they cost CPU, make every later
 * property access on the record megamorphic, and keep the row's young objects alive until the
 * next full collection (`tests/perf/hidden-classes.test.ts` counts them). `Object.assign` onto a
 * fresh `{}` walks the shared transitions instead. The result has the same keys in the same order
 * as the spread.
 */
export function extend<T extends object, U extends object>(base: T, extra: U): Omit<T, keyof U> & U {
  // Object.assign would call the `__proto__` setter for an own `__proto__` key (JSON.parse makes
  // one); the spread defines it as a plain property, and so does this.
  if (Object.hasOwn(base, "__proto__") || Object.hasOwn(extra, "__proto__")) return { ...base, ...extra };
  return Object.assign({}, base, extra) as Omit<T, keyof U> & U;
}
