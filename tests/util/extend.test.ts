import { describe, expect, it } from "vitest";
import { extend } from "../../src/util/extend.js";
import { jsonOnce } from "../../src/util/json-once.js";

describe("extend", () => {
  it("gives what a spread gives: the same keys in the same order, later values winning", () => {
    const base = { item_id: "a", line: 3, raw_score: 1, nested: { x: 1 } };
    const extra = { raw_score: 2, flags: ["f"] };
    const out = extend(base, extra);
    expect(out).toEqual({ ...base, ...extra });
    expect(Object.keys(out)).toEqual(Object.keys({ ...base, ...extra }));
    expect(JSON.stringify(out)).toBe(JSON.stringify({ ...base, ...extra }));
    expect(out.nested).toBe(base.nested);
    expect(base.raw_score).toBe(1);
  });

  it("keeps an own __proto__ key a plain property, as a spread does", () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const out = extend(hostile, { b: 2 }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(["__proto__", "a", "b"]);
  });
});

describe("jsonOnce", () => {
  it("serializes once per object, and a copy made by a spread does not inherit the text", () => {
    const m = { role: "user", content: "one" };
    expect(jsonOnce(m)).toBe('{"role":"user","content":"one"}');
    const changed = { ...m, content: "two" };
    expect(jsonOnce(changed)).toBe('{"role":"user","content":"two"}');
    expect(Object.keys(m)).toEqual(["role", "content"]);
    expect(JSON.stringify(m)).toBe('{"role":"user","content":"one"}');
  });

  it("serializes a frozen object every time instead of failing", () => {
    const m = Object.freeze({ role: "system", content: "x" });
    expect(jsonOnce(m)).toBe('{"role":"system","content":"x"}');
    expect(jsonOnce(m)).toBe('{"role":"system","content":"x"}');
  });
});
