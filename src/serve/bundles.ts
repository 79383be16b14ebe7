/**
 * The bundles a server judges with: each verified against its own hash and the lock before the
 * server listens (a bundle that fails is never served), and each request's `id@version` looked
 * up here, so nothing outside the lock is ever judged.
 */
import { type Lock, LockError, readLock, resolveBundleRef } from "../bundle/lock.js";
import type { Bundle } from "../bundle/types.js";
import { verifyBundleFile, verifyLock } from "../bundle/verify.js";
import { type Calibrator, DataError, readCalibrator } from "../calibrate/index.js";
import { ConfigError, ServeError } from "./errors.js";

export interface ServedBundle {
  /** `id@version` */
  readonly ref: string;
  readonly bundle: Bundle;
  readonly calibrator?: Calibrator;
}

export interface Served {
  readonly lock: Lock;
  readonly bundles: ReadonlyMap<string, ServedBundle>;
}

export interface ServedOptions {
  readonly lockPath: string;
  /** Paths, `id@version` or `id`; none means every bundle the lock pins. */
  readonly refs: readonly string[];
  readonly calibrators: readonly string[];
}

export function loadServed(opts: ServedOptions): Served {
  let lock: Lock;
  try {
    lock = readLock(opts.lockPath);
  } catch (err) {
    if (err instanceof LockError) throw new ConfigError(err.message);
    throw err;
  }
  const verified = opts.refs.length
    ? opts.refs.map((ref) => {
        let path: string;
        try {
          path = resolveBundleRef(ref, opts.lockPath);
        } catch (err) {
          if (err instanceof LockError) throw new ConfigError(err.message);
          throw err;
        }
        return verifyBundleFile(path, { lock });
      })
    : verifyLock(lock, opts.lockPath);
  const problems = verified.flatMap((v) => v.problems.map((p) => `${p.path}: ${p.message}`));
  if (problems.length) throw new ConfigError(`refusing to serve: ${problems.join("; ")}`);
  if (verified.length === 0) throw new ConfigError(`the lock ${opts.lockPath} pins no bundles; nothing to serve`);

  const byHash = new Map<string, Calibrator>();
  for (const path of opts.calibrators) {
    let cal: Calibrator;
    try {
      cal = readCalibrator(path);
    } catch (err) {
      if (err instanceof DataError) throw new ConfigError(err.message);
      throw err;
    }
    const h = cal.body.bundle.hash;
    if (!verified.some((v) => v.bundle!.hash === h))
      throw new ConfigError(`the calibrator \`${path}\` was fitted for bundle ${h}, which is not among those served`);
    if (byHash.has(h)) throw new ConfigError(`two calibrators were given for bundle ${h}; give one`);
    byHash.set(h, cal);
  }

  const bundles = new Map<string, ServedBundle>();
  for (const v of verified) {
    const b = v.bundle!;
    const ref = `${b.body.rubric.id}@${b.body.rubric.version}`;
    const cal = byHash.get(b.hash);
    bundles.set(ref, { ref, bundle: b, ...(cal ? { calibrator: cal } : {}) });
  }
  return { lock, bundles };
}

/**
 * The served bundle a request names, by `id@version` (or by `id` when one version is served),
 * optionally pinned by hash too: a trainer that sends the hash it expects can never be scored
 * by anything else.
 */
export function lookupBundle(served: Served, ref: unknown, expectedHash?: unknown): ServedBundle {
  if (typeof ref !== "string" || ref === "")
    throw new ServeError("invalid_request", "`bundle` must be a string `id@version`", { field: "bundle" });
  let found = served.bundles.get(ref);
  if (!found && !ref.includes("@")) {
    const matches = [...served.bundles.values()].filter((s) => s.bundle.body.rubric.id === ref);
    if (matches.length === 1) found = matches[0];
    else if (matches.length > 1)
      throw new ServeError(
        "invalid_request",
        `\`${ref}\` is served at several versions (${matches.map((m) => m.bundle.body.rubric.version).join(", ")}); say which with \`${ref}@<version>\``,
        { field: "bundle" },
      );
  }
  if (!found) {
    const at = ref.lastIndexOf("@");
    const [id, version] = at > 0 ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, undefined];
    const versions = served.lock.rubrics[id];
    if (versions && (version === undefined || versions[version]))
      throw new ServeError(
        "bundle_not_served",
        `\`${ref}\` is in the lock but this server was not started with it; served: ${[...served.bundles.keys()].join(", ")}`,
        { bundle: ref },
      );
    throw new ServeError("bundle_not_locked", `\`${ref}\` is not pinned by the lock, so it is never judged`, {
      bundle: ref,
    });
  }
  if (expectedHash !== undefined && expectedHash !== found.bundle.hash)
    throw new ServeError(
      "bundle_hash_mismatch",
      `\`${found.ref}\` is ${found.bundle.hash} here, not ${String(expectedHash)}; the lock changed under you`,
      { bundle: found.ref, bundle_hash: found.bundle.hash },
    );
  return found;
}
