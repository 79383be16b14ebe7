/**
 * Bounded concurrency with back-pressure: `concurrency` lanes pull items one at a time from a
 * shared iterator, so there are never more than that many workers in flight and the source is
 * read only as fast as items finish (a million-row JSONL stream is never materialised). One
 * item's failure is that item's outcome, never the end of the others.
 */

export type Outcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

export type Worker<T, R> = (item: T, index: number, signal: AbortSignal) => Promise<R> | R;

/** Called once per finished item, one call at a time, in the order items finish. */
export type OnResult<T, R> = (outcome: Outcome<R>, item: T, index: number) => void | Promise<void>;

export interface PoolOptions {
  /** On abort no new item is started; workers in flight get the same signal to cancel or finish. */
  readonly signal?: AbortSignal;
}

export interface PoolSummary {
  readonly started: number;
  readonly succeeded: number;
  readonly failed: number;
  /** True when the signal stopped the pool before the source ran out. */
  readonly aborted: boolean;
}

function iteratorOf<T>(items: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  return Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
}

/**
 * Runs `worker` over `items` with at most `concurrency` in flight. With `onResult`, every
 * outcome (a thrown error included) goes there and the pool resolves when all are done. Without
 * it, errors are still captured per item and the others carry on; the first one is then thrown
 * once every item has finished, so a bug is never silently dropped.
 *
 * The pool rejects only for faults outside the items: the source iterator throwing, or
 * `onResult` throwing (then no new item starts, and the pool waits for those in flight).
 * The fourth argument may also be the signal alone: `runPool(items, n, worker, signal)`.
 */
export async function runPool<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  worker: Worker<T, R>,
  onResult?: OnResult<T, R> | AbortSignal,
  options: PoolOptions = {},
): Promise<PoolSummary> {
  const signal = onResult instanceof AbortSignal ? onResult : (options.signal ?? new AbortController().signal);
  const report = typeof onResult === "function" ? onResult : undefined;
  const it = iteratorOf(items);
  let index = 0;
  let started = 0;
  let succeeded = 0;
  let failed = 0;
  let exhausted = false;
  let fatal: { error: unknown } | null = null;
  let firstItemError: { error: unknown } | null = null;
  // Async iterators must not be asked for two items at once: pulls queue behind each other.
  let pulling: Promise<unknown> = Promise.resolve();
  let reporting: Promise<void> = Promise.resolve();

  const pull = (): Promise<IteratorResult<T> | null> => {
    const next = pulling.then(async () => {
      if (exhausted || fatal || signal.aborted) return null;
      try {
        const r = await it.next();
        if (r.done) exhausted = true;
        return r.done ? null : r;
      } catch (error) {
        fatal ??= { error };
        exhausted = true;
        return null;
      }
    });
    pulling = next;
    return next;
  };

  const lane = async (): Promise<void> => {
    for (;;) {
      const next = await pull();
      if (next === null) return;
      const i = index++;
      started++;
      let outcome: Outcome<R>;
      try {
        outcome = { ok: true, value: await worker(next.value, i, signal) };
        succeeded++;
      } catch (error) {
        outcome = { ok: false, error };
        failed++;
        firstItemError ??= { error };
      }
      if (report) {
        const mine = reporting.then(() => report(outcome, next.value, i));
        reporting = mine.catch(() => {});
        try {
          await mine;
        } catch (error) {
          fatal ??= { error };
        }
      }
    }
  };

  const lanes = Math.max(1, Math.floor(concurrency));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (!exhausted) {
    // Stopped early: let the source release what it holds (file handles, sockets).
    try {
      await it.return?.();
    } catch {
      // The source's own cleanup failing does not change what the pool did.
    }
  }
  if (fatal) throw (fatal as { error: unknown }).error;
  if (!report && firstItemError) throw (firstItemError as { error: unknown }).error;
  return { started, succeeded, failed, aborted: !exhausted && signal.aborted };
}
