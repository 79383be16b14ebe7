/** Bounded concurrency with back-pressure: never more than `limit` tasks in flight. */
export async function runPool<T>(items: Iterable<T>, limit: number, worker: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const it = items[Symbol.iterator]();
  let index = 0;
  let failure: unknown = null;
  const lane = async () => {
    for (;;) {
      if (signal?.aborted || failure !== null) return;
      const next = it.next();
      if (next.done) return;
      const i = index++;
      try {
        await worker(next.value, i);
      } catch (err) {
        // Workers handle per-item problems themselves; anything that escapes stops the run.
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
  if (failure !== null) throw failure;
}
