import { describe, expect, it } from "vitest";
import { QueueFullError, Scheduler } from "../../src/serve/scheduler.js";

/** A task whose result the test releases by hand. */
function gate<T>() {
  let open!: (v: T) => void;
  const p = new Promise<T>((r) => {
    open = r;
  });
  return { p, open };
}

/** Resolves after the immediates queued so far (the scheduler's end-of-turn release among them). */
const turnEnd = () => new Promise<void>((resolve) => setImmediate(resolve));

const opts = { lanes: 2, maxQueue: 10, windowMs: 0, maxBatch: 64 };

describe("Scheduler", () => {
  it("runs identical keys once and hands every waiter the result", async () => {
    const s = new Scheduler<string>(opts);
    let runs = 0;
    const g = gate<string>();
    const task = {
      key: "k",
      run: () => {
        runs++;
        return g.p;
      },
    };
    const a = s.submit([task, task]);
    const b = s.submit([task]);
    g.open("done");
    expect(await Promise.all([...a.results, ...b.results])).toEqual(["done", "done", "done"]);
    expect(runs).toBe(1);
    expect(s.deduplicated).toBe(2);
  });

  it("never runs more than `lanes` tasks at once", async () => {
    const s = new Scheduler<number>(opts);
    let now = 0;
    let peak = 0;
    const tasks = Array.from({ length: 8 }, (_, i) => ({
      key: `k${i}`,
      run: async () => {
        peak = Math.max(peak, ++now);
        await new Promise((r) => setTimeout(r, 5));
        now--;
        return i;
      },
    }));
    expect(await Promise.all(s.submit(tasks).results)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(2);
    expect(s.depth).toBe(0);
  });

  it("admits a request whole or not at all, counting only items not already queued", () => {
    const s = new Scheduler<number>({ ...opts, maxQueue: 3 });
    const g = gate<number>();
    s.submit(["a", "b", "c"].map((key) => ({ key, run: () => g.p })));
    expect(() => s.submit([{ key: "d", run: () => g.p }])).toThrow(QueueFullError);
    expect(s.depth).toBe(3);
    // Joining queued work needs no room.
    expect(s.submit([{ key: "a", run: () => g.p }]).results).toHaveLength(1);
    try {
      s.submit([{ key: "e", run: () => g.p }]);
    } catch (err) {
      expect((err as QueueFullError).retryAfter).toBeGreaterThanOrEqual(1);
    }
  });

  it("gathers items for the batch window, or until a batch is full", async () => {
    const sizes: number[] = [];
    const s = new Scheduler<number>({
      lanes: 100,
      maxQueue: 100,
      windowMs: 20,
      maxBatch: 5,
      onBatch: (n) => sizes.push(n),
    });
    const mk = (key: string) => ({ key, run: async () => 1 });
    const first = s.submit([mk("a"), mk("b")]);
    const second = s.submit([mk("c")]);
    expect(sizes).toEqual([]);
    await Promise.all([...first.results, ...second.results]);
    expect(sizes).toEqual([3]);
    await Promise.all(s.submit(["d", "e", "f", "g", "h", "i"].map(mk)).results);
    expect(sizes).toEqual([3, 5, 1]);
  });

  it("with a window of 0, releases what was submitted in one event-loop turn as one batch at its end", async () => {
    const sizes: number[] = [];
    const started: string[] = [];
    const s = new Scheduler<number>({ ...opts, lanes: 10, maxQueue: 100, onBatch: (n) => sizes.push(n) });
    const mk = (key: string) => ({
      key,
      run: async () => {
        started.push(key);
        return 1;
      },
    });
    const first = s.submit([mk("a"), mk("b")]);
    const second = s.submit([mk("c")]);
    expect(sizes).toEqual([]);
    expect(started).toEqual([]);
    await turnEnd();
    expect(sizes).toEqual([3]);
    expect(started).toEqual(["a", "b", "c"]);
    await Promise.all([...first.results, ...second.results]);
    // A full batch does not wait for the turn to end.
    const big = s.submit(Array.from({ length: 64 }, (_, i) => mk(`k${i}`)));
    expect(sizes).toEqual([3, 64]);
    await Promise.all(big.results);
  });

  it("drops unstarted items when their last waiter cancels, and keeps shared ones", async () => {
    const s = new Scheduler<number>({ ...opts, lanes: 1 });
    const g = gate<number>();
    let ran: string[] = [];
    const mk = (key: string) => ({
      key,
      run: () => {
        ran.push(key);
        return g.p;
      },
    });
    const a = s.submit([mk("x"), mk("y"), mk("z")]);
    const b = s.submit([mk("z")]);
    await turnEnd(); // the batch is released: x starts
    a.cancel();
    expect(s.depth).toBe(2); // x is running, z is still wanted by b
    g.open(1);
    expect(await b.results[0]).toBe(1);
    await s.idle();
    expect(ran).toEqual(["x", "z"]);
    ran = [];
  });
});
