/**
 * The lock file pins rubric id → version → hash for an experiment. Paths are stored relative
 * to the lock file, with forward slashes, so a lock works in any clone of the repository.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { z } from "zod";
import { prettyCanonicalJson } from "../util/canonical.js";
import { writeFileAtomic } from "../util/atomic.js";
import { bundleIntact, bundlePath, readBundle } from "./file.js";
import type { Bundle } from "./types.js";

export const LOCK_FORMAT = "rulers-lock/1";
export const DEFAULT_LOCK = "rulers.lock";

export interface LockEntry {
  readonly hash: string;
  readonly path: string;
}

export interface Lock {
  readonly format: string;
  readonly rubrics: Record<string, Record<string, LockEntry>>;
}

const LockSchema = z.object({
  format: z.literal(LOCK_FORMAT),
  rubrics: z.record(z.string(), z.record(z.string(), z.object({ hash: z.string(), path: z.string() }))),
});

export class LockError extends Error {}

export function readLock(path: string): Lock {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LockError(`${path}: ${code === "ENOENT" ? "no such lock file" : code ? `cannot read (${code})` : `not valid JSON (${(err as Error).message})`}`);
  }
  const parsed = LockSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LockError(`${path}: not a rulers lock file: \`${issue.path.join(".") || "(top)"}\` ${issue.message.toLowerCase()}`);
  }
  return parsed.data;
}

export function writeLock(path: string, lock: Lock): void {
  writeFileAtomic(path, prettyCanonicalJson(lock));
}

function toLockPath(lockPath: string, file: string): string {
  return relative(dirname(resolve(lockPath)), resolve(file)).split(sep).join("/");
}

/** The absolute path of a lock entry's bundle. */
export function entryPath(lockPath: string, entry: LockEntry): string {
  return isAbsolute(entry.path) ? entry.path : join(dirname(resolve(lockPath)), entry.path);
}

/** Pin the given bundles; refuses any bundle whose bytes no longer match its hash. */
export function lockBundles(bundlePaths: readonly string[], lockPath: string): Lock {
  const rubrics: Record<string, Record<string, LockEntry>> = {};
  for (const p of bundlePaths) {
    const b = readBundle(p);
    if (!bundleIntact(b)) throw new LockError(`${p}: the bundle was altered after compiling (its content no longer matches ${b.hash}); recompile it`);
    const { id, version } = b.body.rubric;
    const byVersion = (rubrics[id] ??= {});
    const existing = byVersion[version];
    if (existing && existing.hash !== b.hash) throw new LockError(`${p}: \`${id}@${version}\` is given twice with different hashes; bump the version of one`);
    byVersion[version] = { hash: b.hash, path: toLockPath(lockPath, p) };
  }
  return { format: LOCK_FORMAT, rubrics };
}

export interface LockProblem {
  readonly kind: "not-in-lock" | "lock-hash-mismatch" | "version-mismatch";
  readonly message: string;
}

export function checkAgainstLock(bundle: Bundle, lock: Lock): LockProblem[] {
  const { id, version } = bundle.body.rubric;
  const versions = lock.rubrics[id];
  if (!versions) return [{ kind: "not-in-lock", message: `rubric \`${id}\` is not in the lock; run \`rulers lock\` to pin it` }];
  const entry = versions[version];
  if (!entry) {
    return [{ kind: "version-mismatch", message: `the lock pins \`${id}\` at version ${Object.keys(versions).join(", ")}, not ${version}` }];
  }
  if (entry.hash !== bundle.hash) {
    return [{ kind: "lock-hash-mismatch", message: `\`${id}@${version}\` hashes to ${bundle.hash} but the lock pins ${entry.hash}; the rubric changed without a new version` }];
  }
  return [];
}

/**
 * A bundle reference as users type it: a path to bundle.json, `id@version`, or `id` when the
 * lock pins exactly one version of it.
 */
export function resolveBundleRef(ref: string, lockPath?: string): string {
  if (ref.endsWith(".json") || existsSync(ref)) return ref;
  const at = ref.lastIndexOf("@");
  const id = at > 0 ? ref.slice(0, at) : ref;
  const version = at > 0 ? ref.slice(at + 1) : undefined;
  const lp = lockPath ?? (existsSync(DEFAULT_LOCK) ? DEFAULT_LOCK : undefined);
  if (lp) {
    const lock = readLock(lp);
    const versions = lock.rubrics[id];
    if (versions) {
      if (version !== undefined) {
        const e = versions[version];
        if (!e) throw new LockError(`\`${ref}\`: the lock ${lp} pins \`${id}\` only at ${Object.keys(versions).join(", ")}`);
        return entryPath(lp, e);
      }
      const all = Object.values(versions);
      if (all.length === 1) return entryPath(lp, all[0]!);
      throw new LockError(`\`${ref}\`: the lock pins several versions (${Object.keys(versions).join(", ")}); say which with \`${id}@<version>\``);
    }
  }
  if (version !== undefined) {
    const p = bundlePath("bundles", id, version);
    if (existsSync(p)) return p;
  }
  throw new LockError(`cannot find bundle \`${ref}\`: give a path to bundle.json or \`id@version\` of a locked or compiled rubric`);
}
