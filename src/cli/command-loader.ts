/**
 * How the dispatcher loads a command: the prebuilt script beside this module
 * (dist/cli/commands/<name>.cjs, written by scripts/bundle-dist.mjs), compiled with a V8 code
 * cache; where there is no such script (running from src/), the command's ES module.
 *
 * Why a code cache: a command's script is half a megabyte that every run parses, and each
 * function a run calls is compiled on its first call. V8 can instead start from the bytecode an
 * earlier run made. Node ≥ 22.1 keeps such a cache for modules (module.enableCompileCache, see
 * bin/rulers.js), Node 20 only for a script compiled through node:vm with `cachedData`, so the
 * cache is kept here, the same way on every version (bench/README, executor-cpu).
 *
 * Where: one file per script content, Node version, architecture and V8 flags, in the user's
 * cache directory (`$XDG_CACHE_HOME/rulers/code-cache`, else `~/.cache/rulers/code-cache`;
 * `RULERS_CODE_CACHE=<dir>` names another, `RULERS_CODE_CACHE=off` or Node's own
 * `NODE_DISABLE_COMPILE_CACHE=1` turns it off). What is in it is code this process runs, so it
 * is read only from a directory the user owns and no one else can write, and only files the
 * user owns; otherwise the command is compiled from source as if there were no cache. A file is
 * written once per key, after the command ran (so the functions the run compiled are in it),
 * through a temporary file and a rename: a concurrent run never reads half a file. V8 itself
 * refuses data made for another source, version or flags; the file is then written again.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Script } from "node:vm";
import * as errors from "../util/errors.js";
import { requireAsImported } from "../util/lazy.js";
import * as io from "./io.js";
import type { Command } from "./main.js";

/** The name a command script asks its loader for its `import.meta` and `import()` (the banner scripts/bundle-dist.mjs writes). */
export const META_MODULE = "rulers:command-meta";

/**
 * Modules whose one instance the dispatcher and every command share, by the specifier a command
 * script (in dist/cli/commands/) requires them with: the error classes the dispatcher tests a
 * command's failure against. scripts/bundle-dist.mjs leaves exactly these outside the scripts.
 */
export const SHARED_MODULES: Readonly<Record<string, object>> = { "../../util/errors.js": errors, "../io.js": io };

/** What a script's `import.meta` and `import()` would have been as an ES module beside it. */
function scriptMeta(filename: string) {
  const url = pathToFileURL(filename).href;
  return {
    url,
    // Package names resolve the same from this module as from the script (same package).
    resolve: (specifier: string) =>
      /^\.{0,2}\//.test(specifier) ? new URL(specifier, url).href : import.meta.resolve(specifier),
    import: (specifier: string): Promise<unknown> => import(specifier),
  };
}

/**
 * The `require` a command script is given: the dispatcher's own error modules, its
 * `import.meta`, Node's built-ins, and packages resolved as an import resolves them (then
 * loaded by require, which loads an ES module too) so they are the files the ES module build
 * would load.
 */
function scriptRequire(filename: string): (id: string) => unknown {
  const real = createRequire(filename);
  return (id) => {
    if (id === META_MODULE) return scriptMeta;
    const shared = SHARED_MODULES[id];
    if (shared !== undefined) return shared;
    if (isBuiltin(id) || id.startsWith(".") || isAbsolute(id)) return real(id);
    return requireAsImported(id);
  };
}

/** The cache directory, or null when the cache is off or the directory cannot be trusted. */
function cacheDir(): string | null {
  const env = process.env;
  if (env.NODE_DISABLE_COMPILE_CACHE === "1" || env.RULERS_CODE_CACHE === "off") return null;
  const dir = env.RULERS_CODE_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "rulers", "code-cache");
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return trusted(lstatSync(dir), "dir") ? dir : null;
  } catch {
    return null;
  }
}

/** A directory or file of the user's own that no one else can write (POSIX; elsewhere ACLs rule). */
function trusted(
  st: { isDirectory(): boolean; isFile(): boolean; uid: number; mode: number },
  kind: "dir" | "file",
): boolean {
  if (kind === "dir" ? !st.isDirectory() : !st.isFile()) return false;
  if (process.getuid === undefined) return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

function readTrusted(path: string): Buffer | undefined {
  let fd: number;
  try {
    // Opened, then checked: a file swapped in after the check is never the one read.
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    return trusted(fstatSync(fd), "file") ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Files the cache keeps: a few versions of every command; each upgrade or rebuild adds a set. */
export const CODE_CACHE_FILES = 96;

/**
 * Keeps the newest CODE_CACHE_FILES files (and temporary files of runs that died mid-write only
 * while they may still be renamed): run after a file is written, which is rare.
 */
function prune(dir: string): void {
  const now = Date.now();
  const files: { path: string; mtime: number }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const mtime = lstatSync(path).mtimeMs;
    if (name.endsWith(".tmp")) {
      if (now - mtime > 3_600_000) rmSync(path, { force: true });
    } else if (name.endsWith(".v8")) files.push({ path, mtime });
  }
  files.sort((a, b) => b.mtime - a.mtime);
  for (const f of files.slice(CODE_CACHE_FILES)) rmSync(f.path, { force: true });
}

/** Compiles and runs a command script, with the code cache when there is one to use. */
function runScript(filename: string): { command: Command } {
  const source = readFileSync(filename, "utf8");
  const dir = cacheDir();
  let cachePath: string | null = null;
  let cachedData: Buffer | undefined;
  if (dir !== null) {
    const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
    const key = createHash("sha256")
      .update(`${process.version}\0${process.arch}\0${flags}\0`)
      .update(source)
      .digest("hex")
      .slice(0, 40);
    cachePath = join(dir, `${key}.v8`);
    cachedData = readTrusted(cachePath);
  }
  // The wrapper CommonJS gives a module: the script's own `require`, `module` and `exports`.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    cachedData,
  });
  const module = { exports: {} as { command?: Command } };
  (script.runInThisContext() as (...a: unknown[]) => void).call(
    module.exports,
    module.exports,
    scriptRequire(filename),
    module,
    filename,
    dirname(filename),
  );
  if (cachePath !== null && (cachedData === undefined || script.cachedDataRejected)) {
    const path = cachePath;
    process.once("exit", () => {
      try {
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, path);
        prune(dirname(path));
      } catch {
        // A full disk or a read-only home: the next run compiles from source, as this one did.
      }
    });
  }
  if (!module.exports.command) throw new Error(`${filename} does not export a command`);
  return { command: module.exports.command };
}

/** The command `name`: its prebuilt script when there is one, else `fallback` (its ES module). */
export function loadCommand(
  name: string,
  fallback: () => Promise<{ command: Command }>,
): Promise<{ command: Command }> {
  const filename = fileURLToPath(new URL(`./commands/${name}.cjs`, import.meta.url));
  if (!existsSync(filename)) return fallback();
  return Promise.resolve().then(() => runScript(filename));
}
