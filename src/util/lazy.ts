/**
 * Loading heavy dependencies on first use, so `import "rulers"` costs little: a caller who only
 * reads records never pays for the parser generator, the schema compiler or a provider SDK.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** A value made on first call and kept. */
export function lazy<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}

const require = createRequire(import.meta.url);

/**
 * A package loaded now, synchronously: resolved as `import` resolves it and loaded with
 * require(esm) (Node ≥ 20.19), so it is the very module instance a static import would give
 * (zod and openai ship separate CommonJS builds that would otherwise be a second copy).
 */
export function requireAsImported(specifier: string): unknown {
  return require(fileURLToPath(import.meta.resolve(specifier)));
}

/** A package loaded on first call, as `requireAsImported` loads it. */
export function lazyPackage<T>(specifier: string): () => T {
  return lazy(() => requireAsImported(specifier) as T);
}

/**
 * An object that stands in for one made on first use: for values the public API exports (the
 * run-record zod schemas) that importing the package must not build. Every operation reaches
 * the real object; methods run with it as `this`.
 */
export function lazyObject<T extends object>(make: () => T): T {
  const real = lazy(make);
  return new Proxy({} as T, {
    get(_t, key) {
      const target = real();
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    set: (_t, key, v) => Reflect.set(real(), key, v),
    has: (_t, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor(_t, key) {
      const d = Reflect.getOwnPropertyDescriptor(real(), key);
      // A proxy may not report a property its (empty) target lacks as non-configurable.
      return d ? { ...d, configurable: true } : undefined;
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
