/**
 * Where concurrent requests meet. Items from every request go through one queue:
 * - deduplicated: an item identical to one already queued or being judged (same bundle, same
 *   row) waits for that one instead of being judged again, so the same prompt costs one call;
 * - micro-batched: items arriving within `windowMs` (or until `maxBatch` have gathered) are
 *   released to the judge together, so a burst from many trainer workers is dispatched as one
 *   batch instead of as many interleaved trickles. A window of 0 gathers what arrives in the
 *   same turn of the event loop (every request read from the sockets in one poll) and releases
 *   it at the end of that turn: batching without waiting on a timer, whose 1 ms granularity and
 *   lateness under load were the whole of an item's batch wait;
 * - bounded: at most `lanes` items are judged at once, and at most `maxQueue` distinct items
 *   may wait or run; a request that would pass that is refused whole (admission is
 *   all-or-nothing, so a request never half-runs) with an estimate of when to come back.
 * A request that gives up (deadline, client gone) withdraws its items; an item nobody waits
 * for any more is dropped if it has not started.
 */

export interface Task<T> {
  /** Identical keys are judged once. */
  readonly key: string;
  readonly run: () => Promise<T>;
}

export interface SchedulerOptions {
  readonly lanes: number;
  readonly maxQueue: number;
  readonly windowMs: number;
  readonly maxBatch: number;
  /** Called with the size of every batch released (for the metrics). */
  readonly onBatch?: (size: number) => void;
  /**
   * Called as each job starts, with how long it waited for its batch to be released and then
   * for a lane (ms): the two queueing stages of an item's latency.
   */
  readonly onStart?: (batchWaitMs: number, laneWaitMs: number) => void;
}

export class QueueFullError extends Error {
  constructor(
    readonly depth: number,
    readonly retryAfter: number,
  ) {
    super(`the queue is full (${depth} items waiting or being judged); try again in ${retryAfter} s`);
    this.name = "QueueFullError";
  }
}

interface Job<T> {
  readonly key: string;
  readonly run: () => Promise<T>;
  readonly promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
  waiters: number;
  state: "pending" | "ready" | "running";
  /** performance.now() when queued and when its batch was released. */
  readonly queuedAt: number;
  readyAt: number;
}

export interface Ticket<T> {
  /** One promise per submitted task, in order. */
  readonly results: Promise<T>[];
  /** Withdraw this request's interest; unstarted items nobody else waits for are dropped. */
  cancel(): void;
}

/** Seconds of recent completions used to estimate throughput for `Retry-After`. */
const RATE_WINDOW_S = 10;

export class Scheduler<T> {
  private readonly jobs = new Map<string, Job<T>>();
  private pending: Job<T>[] = [];
  private ready: Job<T>[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private turnEnd: NodeJS.Immediate | null = null;
  private drained: (() => void)[] = [];
  /** Completions per second over the last RATE_WINDOW_S seconds: [second, count] pairs. */
  private completions: [number, number][] = [];
  /** Items that joined a job already queued or running instead of making their own. */
  deduplicated = 0;

  constructor(private readonly opts: SchedulerOptions) {}

  /** Distinct items waiting or being judged. */
  get depth(): number {
    return this.jobs.size;
  }

  get inFlight(): number {
    return this.running;
  }

  submit(tasks: readonly Task<T>[]): Ticket<T> {
    const fresh = new Set<string>();
    for (const t of tasks) if (!this.jobs.has(t.key)) fresh.add(t.key);
    if (this.jobs.size + fresh.size > this.opts.maxQueue) throw new QueueFullError(this.jobs.size, this.retryAfter());
    const joined: Job<T>[] = [];
    for (const t of tasks) {
      let job = this.jobs.get(t.key);
      if (job) {
        this.deduplicated++;
      } else {
        job = this.makeJob(t);
        this.jobs.set(t.key, job);
        this.pending.push(job);
      }
      job.waiters++;
      joined.push(job);
    }
    this.schedule();
    let cancelled = false;
    return {
      results: joined.map((j) => j.promise),
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        for (const j of joined) {
          j.waiters--;
          if (j.waiters === 0 && j.state !== "running") this.drop(j);
        }
      },
    };
  }

  /** Resolves once nothing is queued or running (for a graceful shutdown). */
  idle(): Promise<void> {
    if (this.jobs.size === 0) return Promise.resolve();
    this.flush();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private makeJob(t: Task<T>): Job<T> {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A dropped job's promise is never awaited; this keeps a late rejection from being unhandled.
    promise.catch(() => {});
    const now = performance.now();
    return {
      key: t.key,
      run: t.run,
      promise,
      resolve,
      reject,
      waiters: 0,
      state: "pending",
      queuedAt: now,
      readyAt: now,
    };
  }

  private drop(job: Job<T>): void {
    this.jobs.delete(job.key);
    if (job.state === "pending") this.pending = this.pending.filter((j) => j !== job);
    else this.ready = this.ready.filter((j) => j !== job);
    this.checkDrained();
  }

  private schedule(): void {
    if (this.pending.length >= this.opts.maxBatch) this.flush();
    else if (this.opts.windowMs <= 0) this.turnEnd ??= setImmediate(() => this.flush());
    else this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.turnEnd) {
      clearImmediate(this.turnEnd);
      this.turnEnd = null;
    }
    const now = performance.now();
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.opts.maxBatch);
      for (const j of batch) {
        j.state = "ready";
        j.readyAt = now;
      }
      this.ready.push(...batch);
      this.opts.onBatch?.(batch.length);
    }
    this.pump();
  }

  private pump(): void {
    while (this.running < this.opts.lanes && this.ready.length) {
      const job = this.ready.shift()!;
      job.state = "running";
      this.running++;
      if (this.opts.onStart) this.opts.onStart(job.readyAt - job.queuedAt, performance.now() - job.readyAt);
      let p: Promise<T>;
      try {
        p = job.run();
      } catch (err) {
        p = Promise.reject(err);
      }
      p.then(job.resolve, job.reject).finally(() => {
        this.running--;
        this.jobs.delete(job.key);
        this.countCompletion();
        this.pump();
        this.checkDrained();
      });
    }
  }

  private checkDrained(): void {
    if (this.jobs.size > 0) return;
    const waiting = this.drained;
    this.drained = [];
    for (const w of waiting) w();
  }

  private countCompletion(): void {
    const second = Math.floor(performance.now() / 1000);
    const last = this.completions[this.completions.length - 1];
    if (last && last[0] === second) last[1]++;
    else {
      this.completions.push([second, 1]);
      if (this.completions.length > RATE_WINDOW_S) this.completions.shift();
    }
  }

  /** Seconds until the queue has room, from the recent completion rate; 1 to 60. */
  private retryAfter(): number {
    const since = Math.floor(performance.now() / 1000) - RATE_WINDOW_S;
    const done = this.completions.filter(([s]) => s > since).reduce((a, [, n]) => a + n, 0);
    const rate = done / RATE_WINDOW_S;
    if (rate <= 0) return 1;
    return Math.min(60, Math.max(1, Math.ceil(this.jobs.size / rate)));
  }
}
