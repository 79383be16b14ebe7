import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RunRecordSchema } from "../../src/record/index.js";
import { lazy, lazyObject } from "../../src/util/lazy.js";

describe("lazy", () => {
  it("makes the value on first call, once", () => {
    let made = 0;
    const get = lazy(() => ({ n: ++made }));
    expect(made).toBe(0);
    expect(get()).toBe(get());
    expect(made).toBe(1);
  });
});

describe("lazyObject", () => {
  it("builds nothing until used, then stands in for the object", () => {
    let made = 0;
    const o = lazyObject(() => {
      made++;
      return {
        x: 1,
        twice(this: { x: number }) {
          return this.x * 2;
        },
      };
    });
    expect(made).toBe(0);
    expect(o.x).toBe(1);
    expect(o.twice()).toBe(2);
    expect("x" in o).toBe(true);
    expect(Object.keys(o)).toEqual(["x", "twice"]);
    expect(made).toBe(1);
  });

  it("keeps the exported run-record schema a working zod schema", () => {
    const good = {
      item_id: "a",
      line: 1,
      bundle: { id: "r", version: "1.0.0", hash: `sha256:${"0".repeat(64)}` },
      raw_score: 3,
      flags: [],
    };
    expect(RunRecordSchema.safeParse(good).success).toBe(true);
    expect(RunRecordSchema.safeParse({ ...good, raw_score: "3" }).success).toBe(false);
    expect(RunRecordSchema instanceof z.ZodObject).toBe(true);
    // Composes with the caller's own schemas.
    expect(z.array(RunRecordSchema).safeParse([good, good]).success).toBe(true);
    expect(RunRecordSchema.extend({ note: z.string() }).safeParse({ ...good, note: "n" }).success).toBe(true);
  });
});
