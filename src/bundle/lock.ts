/**
 * The lock file pins rubric id → version → hash for an experiment. Paths are stored relative
 * to the lock file, with forward slashes, so a lock works in any clone of the repository.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { errnoOf, RulersError } from "../util/errors.js";
import { lazy } from "../util/lazy.js";
import { zodPackage } from "../util/packages.js";
import { parseStrictJson, StrictJsonError } from "../util/strict-json.js";
import { prettyCanonicalJson } from "./canonical.js";
import { BundleError, bundleIntact, bundlePath, readBundle } from "./file.js";
import type { Bundle } from "./types.js";

export const LOCK_FORMAT = "rulers-lock/1";
export const DEFAULT_LOCK = "rulers.lock";

export interface LockEntry {
  readonly hash: string;
  /** Relative to the lock file's folder, with forward slashes. */
  readonly path: string;
}

export interface Lock {
  readonly format: string;
  readonly rubrics: Record<string, Record<string, LockEntry>>;
}

const lockSchema = lazy(() => {
  const { z } = zodPackage();
  const LockSchema = z.object({
    format: z.literal(LOCK_FORMAT),
    rubrics: z.record(
      z.string(),
      z.record(
        z.string(),
        z.object({
          hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be `sha256:` and 64 hex digits"),
          path: z.string().min(1),
        }),
      ),
    ),
  });
  return LockSchema;
});

/** One line per problem, so a command can print them all rather than the first. */
export class LockError extends RulersError {
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.join("\n"), { code: "lock" });
    this.name = "LockError";
    this.problems = list;
  }
}

export function readLock(path: string): Lock {
  let json: unknown;
  try {
    json = parseStrictJson(readFileSync(path, "utf8"));
  } catch (err) {
    if (err instanceof StrictJsonError)
      throw new LockError(`${path}: not valid JSON at line ${err.line} column ${err.column}: ${err.reason}`);
    const code = errnoOf(err);
    throw new LockError(
      `${path}: ${code === "ENOENT" ? "no such lock file; make one with `rulers lock`" : `cannot read (${code ?? (err as Error).message})`}`,
    );
  }
  const parsed = lockSchema().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LockError(
      `${path}: not a rulers lock file: \`${issue.path.join(".") || "(top)"}\` ${issue.message.toLowerCase()}`,
    );
  }
  // Rubric ids and versions are user text: keep them in null-prototype maps so that an id such
  // as `constructor` is data, not Object's member.
  const rubrics: Record<string, Record<string, LockEntry>> = Object.create(null);
  for (const [id, versions] of Object.entries(parsed.data.rubrics))
    rubrics[id] = Object.assign(Object.create(null) as Record<string, LockEntry>, versions);
  return { format: parsed.data.format, rubrics };
}

export function writeLock(path: string, lock: Lock): void {
  writeFileAtomic(path, prettyCanonicalJson(lock));
}

function toLockPath(lockPath: string, file: string): string {
  return relative(dirname(resolve(lockPath)), resolve(file))
    .split(sep)
    .join("/");
}

/** The absolute path of a lock entry's bundle. */
export function entryPath(lockPath: string, entry: LockEntry): string {
  return isAbsolute(entry.path) ? entry.path : join(dirname(resolve(lockPath)), ...entry.path.split("/"));
}

/** Pin the given bundles; refuses (naming every one) bundles that are unreadable, altered or clash. */
export function lockBundles(bundlePaths: readonly string[], lockPath: string): Lock {
  const rubrics: Record<string, Record<string, LockEntry>> = Object.create(null);
  const problems: string[] = [];
  for (const p of bundlePaths) {
    let b: Bundle;
    try {
      b = readBundle(p);
    } catch (err) {
      if (err instanceof BundleError) {
        problems.push(err.message);
        continue;
      }
      throw err;
    }
    if (!bundleIntact(b)) {
      problems.push(
        `${p}: the bundle was altered after compiling (its content no longer matches ${b.hash}); recompile it`,
      );
      continue;
    }
    const { id, version } = b.body.rubric;
    const byVersion: Record<string, LockEntry> = rubrics[id] ?? Object.create(null);
    rubrics[id] = byVersion;
    const existing = byVersion[version];
    if (existing && existing.hash !== b.hash) {
      problems.push(
        `${p}: \`${id}@${version}\` is also ${existing.path} with a different hash; bump the version of one`,
      );
      continue;
    }
    byVersion[version] = { hash: b.hash, path: toLockPath(lockPath, p) };
  }
  if (problems.length) throw new LockError(problems);
  return { format: LOCK_FORMAT, rubrics };
}

export interface LockProblem {
  readonly kind: "not-in-lock" | "lock-hash-mismatch" | "version-mismatch";
  readonly message: string;
}

function versionList(versions: Record<string, LockEntry>): string {
  const vs = Object.keys(versions).sort();
  return `${vs.length === 1 ? "version" : "versions"} ${vs.join(", ")}`;
}

/** Is this bundle the one the lock pins for its own id and version? */
export function checkAgainstLock(bundle: Bundle, lock: Lock): LockProblem[] {
  const { id, version } = bundle.body.rubric;
  const versions = lock.rubrics[id];
  if (!versions)
    return [{ kind: "not-in-lock", message: `rubric \`${id}\` is not in the lock; run \`rulers lock\` to pin it` }];
  const entry = versions[version];
  if (!entry) {
    return [
      {
        kind: "version-mismatch",
        message: `the lock pins \`${id}\` at ${versionList(versions)}, not ${version}; use a pinned version or run \`rulers lock\` again`,
      },
    ];
  }
  if (entry.hash !== bundle.hash) {
    return [
      {
        kind: "lock-hash-mismatch",
        message: `\`${id}@${version}\` hashes to ${bundle.hash} but the lock pins ${entry.hash}; the rubric changed without a new version`,
      },
    ];
  }
  return [];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The lock's file for `id@version`, after checking that it holds that rubric: otherwise a file
 * swapped for another locked bundle would pass the lock check under the other bundle's name.
 * Unreadable or altered files are returned as they are, for the verifier to report.
 */
function lockedFile(ref: string, lockPath: string, id: string, version: string, entry: LockEntry): string {
  const path = entryPath(lockPath, entry);
  let held: Bundle;
  try {
    held = readBundle(path);
  } catch (err) {
    if (err instanceof BundleError) return path;
    throw err;
  }
  const r = held.body.rubric;
  if (r.id !== id || r.version !== version) {
    throw new LockError(
      `\`${ref}\`: the lock pins it to ${path}, which holds \`${r.id}@${r.version}\`; run \`rulers lock\` again`,
    );
  }
  return path;
}

/**
 * A bundle reference as users type it: a path to bundle.json, `id@version` (looked up in the
 * lock, else under `bundles/`), or `id` when the lock pins exactly one version of it.
 */
export function resolveBundleRef(ref: string, lockPath?: string): string {
  if (ref.endsWith(".json") || ref.includes("/") || ref.includes(sep) || isFile(ref)) return ref;
  const at = ref.lastIndexOf("@");
  const id = at > 0 ? ref.slice(0, at) : ref;
  const version = at > 0 ? ref.slice(at + 1) : undefined;
  const lp = lockPath ?? (existsSync(DEFAULT_LOCK) ? DEFAULT_LOCK : undefined);
  if (lp) {
    const versions = readLock(lp).rubrics[id];
    if (versions) {
      if (version !== undefined) {
        const e = versions[version];
        if (!e)
          throw new LockError(
            `\`${ref}\`: the lock ${lp} pins \`${id}\` only at ${versionList(versions)}; use one of them or run \`rulers lock\` again`,
          );
        return lockedFile(ref, lp, id, version, e);
      }
      const [only, ...more] = Object.entries(versions);
      if (only && more.length === 0) return lockedFile(ref, lp, id, only[0], only[1]);
      throw new LockError(
        `\`${ref}\`: the lock pins several versions (${Object.keys(versions).sort().join(", ")}); say which with \`${id}@<version>\``,
      );
    }
  }
  if (version !== undefined) {
    const p = bundlePath("bundles", id, version);
    if (existsSync(p)) return p;
  }
  throw new LockError(
    `cannot find bundle \`${ref}\`: give a path to bundle.json or \`id@version\` of a locked or compiled rubric`,
  );
}
