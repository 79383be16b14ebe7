/**
 * One reviewer per labels file: a lock file beside it, created exclusively. A second reviewer
 * is refused with who holds it; a lock left by a process that no longer runs (on this machine)
 * is taken over, since the journal already holds everything that process saved.
 */

import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { errnoOf, RulersError } from "../util/errors.js";

export class LockError extends RulersError {
  override readonly code: string = "review_lock";
}

interface Holder {
  pid: number;
  host: string;
  rater: string;
  started: string;
  url?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === "EPERM";
  }
}

export class ReviewLock {
  private constructor(readonly path: string) {}

  /** Takes the lock or throws LockError; `stale` says a dead holder's lock was taken over. */
  static acquire(path: string, rater: string): { lock: ReviewLock; stale: Holder | null } {
    const me: Holder = { pid: process.pid, host: hostname(), rater, started: new Date().toISOString() };
    let stale: Holder | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, "wx");
        writeSync(fd, JSON.stringify(me));
        closeSync(fd);
        return { lock: new ReviewLock(path), stale };
      } catch (err) {
        if (errnoOf(err) !== "EEXIST") throw err;
      }
      let holder: Holder | null = null;
      try {
        holder = JSON.parse(readFileSync(path, "utf8")) as Holder;
      } catch {
        holder = null;
      }
      if (holder && (holder.host !== me.host || alive(holder.pid)))
        throw new LockError(
          `\`${path}\` is held by rater \`${holder.rater}\` (pid ${holder.pid} on ${holder.host}, since ${holder.started}${holder.url ? `, ${holder.url}` : ""}); ` +
            "two reviewers must not write the same labels file: give this reviewer its own --labels (and --rater), or stop the other one",
        );
      stale = holder;
      rmSync(path, { force: true });
    }
    throw new LockError(`cannot take the lock \`${path}\`; remove it if no reviewer is running`);
  }

  /** Records the app's address (never its token), so a refused second reviewer can be pointed to it. */
  note(url: string): void {
    try {
      const h = JSON.parse(readFileSync(this.path, "utf8")) as Holder;
      const fd = openSync(this.path, "w");
      writeSync(fd, JSON.stringify({ ...h, url: url.replace(/\?.*$/, "") }));
      closeSync(fd);
    } catch {
      /* the note is a courtesy */
    }
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}
