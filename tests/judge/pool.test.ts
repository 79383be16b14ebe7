import { describe, expect, it } from "vitest";
import { type Outcome, runPool } from "../../src/judge/pool.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("runPool", () => {
  it("never has more than N in flight and processes every item once", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const summary = await runPool(range(60), 4, async (item) => {
      peak = Math.max(peak, ++inFlight);
      await sleep((item * 7) % 5);
      inFlight--;
      seen.push(item);
      return item * 2;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(range(60));
    expect(summary).toEqual({ started: 60, succeeded: 60, failed: 0, aborted: false });
  });

  it("reports each outcome with its item and index, a throwing item among them", async () => {
    const outcomes = new Map<number, Outcome<string>>();
    const summary = await runPool(
      ["a", "b", "boom", "d", "e"],
      2,
      async (item) => {
        await sleep(1);
        if (item === "boom") throw new Error("item failed");
        return item.toUpperCase();
      },
      (outcome, item, index) => {
        outcomes.set(index, outcome);
        expect(["a", "b", "boom", "d", "e"][index]).toBe(item);
      },
    );
    expect(summary).toMatchObject({ started: 5, succeeded: 4, failed: 1 });
    expect(outcomes.get(2)).toMatchObject({ ok: false, error: new Error("item failed") });
    expect([0, 1, 3, 4].map((i) => outcomes.get(i))).toEqual(
      ["A", "B", "D", "E"].map((value) => ({ ok: true, value })),
    );
  });

  it("without a result handler, finishes every other item before throwing the first error", async () => {
    const done: number[] = [];
    const run = runPool(range(10), 3, async (i) => {
      if (i === 1) throw new Error("bug in item 1");
      await sleep(2);
      done.push(i);
    });
    await expect(run).rejects.toThrow("bug in item 1");
    expect(done.sort((a, b) => a - b)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("pulls from the source only as slots free up (back-pressure)", async () => {
    let pulled = 0;
    let finished = 0;
    let maxAhead = 0;
    function* source() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - finished);
        yield i;
      }
    }
    await runPool(source(), 5, async () => {
      await sleep(1);
      finished++;
    });
    expect(pulled).toBe(100);
    expect(maxAhead).toBeLessThanOrEqual(5);
  });

  it("reads async iterables one item at a time", async () => {
    let reading = 0;
    let overlapping = false;
    async function* rows() {
      for (let i = 0; i < 30; i++) {
        if (++reading > 1) overlapping = true;
        await sleep(1);
        reading--;
        yield i;
      }
    }
    const got: number[] = [];
    await runPool(
      rows(),
      8,
      async (i) => i,
      (o) => void (o.ok && got.push(o.value)),
    );
    expect(overlapping).toBe(false);
    expect(got.sort((a, b) => a - b)).toEqual(range(30));
  });

  it("stops starting work on abort, passes the signal to workers and closes the source", async () => {
    const controller = new AbortController();
    let closed = false;
    function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const cancelled: number[] = [];
    const summary = await runPool(
      source(),
      3,
      async (i, _index, signal) => {
        if (i === 2) controller.abort();
        // Long work that gives up when told to.
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 5_000);
          signal.addEventListener(
            "abort",
            () => {
              clearTimeout(t);
              cancelled.push(i);
              resolve();
            },
            { once: true },
          );
          if (signal.aborted) {
            clearTimeout(t);
            cancelled.push(i);
            resolve();
          }
        });
      },
      undefined,
      { signal: controller.signal },
    );
    expect(summary).toEqual({ started: 3, succeeded: 3, failed: 0, aborted: true });
    // The three in flight were told, and gave up instead of running their 5 s.
    expect(cancelled.sort()).toEqual([0, 1, 2]);
    expect(closed).toBe(true);
  });

  it("accepts the signal as the fourth argument", async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const summary = await runPool(range(5), 2, () => void calls++, controller.signal);
    expect(calls).toBe(0);
    expect(summary).toEqual({ started: 0, succeeded: 0, failed: 0, aborted: true });
  });

  it("calls the result handler one at a time even when it is slow", async () => {
    let inHandler = 0;
    let overlapped = false;
    const order: number[] = [];
    await runPool(
      range(12),
      6,
      async (i) => i,
      async (o) => {
        if (++inHandler > 1) overlapped = true;
        await sleep(1);
        if (o.ok) order.push(o.value);
        inHandler--;
      },
    );
    expect(overlapped).toBe(false);
    expect(order).toHaveLength(12);
  });

  it("rejects when the source or the result handler fails, after the work in flight", async () => {
    function* broken() {
      yield 1;
      yield 2;
      throw new Error("cannot read row 3");
    }
    await expect(
      runPool(
        broken(),
        2,
        async (i) => i,
        () => {},
      ),
    ).rejects.toThrow("cannot read row 3");

    let started = 0;
    const run = runPool(
      range(50),
      2,
      async (i) => {
        started++;
        await sleep(1);
        return i;
      },
      (o) => {
        if (o.ok && o.value === 3) throw new Error("disk full");
      },
    );
    await expect(run).rejects.toThrow("disk full");
    expect(started).toBeLessThan(50);
  });
});
