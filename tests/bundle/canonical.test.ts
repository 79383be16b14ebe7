import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash, prettyCanonicalJson, sha256Hex } from "../../src/bundle/index.js";

/** A double from its IEEE 754 bits, as RFC 8785 Appendix B lists them. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe("canonical JSON (RFC 8785)", () => {
  it("sorts keys by UTF-16 code units, as in RFC 8785 §3.2.3 (surrogate pairs sort below U+FB33)", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // Object.keys puts "1" first whatever the text says; read the order from the text instead.
    const text = canonicalJson(input);
    const order = Object.keys(input).sort(
      (a, b) => text.indexOf(`${JSON.stringify(a)}:`) - text.indexOf(`${JSON.stringify(b)}:`),
    );
    expect(order).toEqual(["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"]);
    expect(keys).toHaveLength(7);
    expect(text.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":')).toBe(true);
  });

  it("writes the RFC 8785 §3.2.2 example exactly", () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  const numbers: [string, string][] = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];
  it.each(numbers)("writes the double with bits %s as %s (RFC 8785 Appendix B)", (bits, expected) => {
    expect(canonicalJson(fromBits(bits))).toBe(expected);
    expect(canonicalJson([fromBits(bits)])).toBe(`[${expected}]`);
  });

  it("writes the usual number forms the way ECMAScript does", () => {
    expect(canonicalJson({ a: 1e21, b: 1e-7, c: -0, d: 0.1, e: 1e20, f: 100, g: 1.5 })).toBe(
      '{"a":1e+21,"b":1e-7,"c":0,"d":0.1,"e":100000000000000000000,"f":100,"g":1.5}',
    );
  });

  it("has no insignificant whitespace and escapes strings as JSON.stringify does", () => {
    const s = 'tab\there "quoted" back\\slash \u2028 \u0000 é 😀';
    expect(canonicalJson({ b: [1, { y: s }], a: "x" })).toBe(`{"a":"x","b":[1,{"y":${JSON.stringify(s)}}]}`);
  });

  it("sorts integer-like keys as strings, not numerically as JavaScript enumerates them", () => {
    expect(canonicalJson({ b: 1, 10: 2, 9: 3, a: { 2: 0, 1: 0 } })).toBe('{"10":2,"9":3,"a":{"1":0,"2":0},"b":1}');
    expect(prettyCanonicalJson({ 10: 1, 9: 2 })).toBe('{\n  "10": 1,\n  "9": 2\n}\n');
  });

  it("leaves out object fields that are undefined (optional fields never move a hash)", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(contentHash({ a: 1, b: undefined })).toBe(contentHash({ a: 1 }));
  });

  it("is independent of the order keys were inserted in", () => {
    const a = { z: 1, a: { y: [1, 2], b: null }, m: "x" };
    const b = { m: "x", a: { b: null, y: [1, 2] }, z: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(prettyCanonicalJson(a)).toBe(prettyCanonicalJson(b));
    expect(contentHash(a)).toBe(contentHash(b));
  });

  it("pretty form: same order, two-space indent, empty containers inline, final newline", () => {
    expect(prettyCanonicalJson({ b: [], a: {}, c: [1, { y: 1, x: 2 }] })).toBe(
      '{\n  "a": {},\n  "b": [],\n  "c": [\n    1,\n    {\n      "x": 2,\n      "y": 1\n    }\n  ]\n}\n',
    );
  });

  it.each([
    ["NaN", { a: NaN }, /non-finite/],
    ["Infinity", [1, Infinity], /non-finite/],
    ["-Infinity in an object with integer keys", { 1: -Infinity }, /non-finite/],
    ["a top-level undefined", undefined, /undefined/],
    ["a function", () => 1, /function/],
    ["a bigint", { a: 1n }, /bigint/i],
    ["undefined inside an array, naming where", { a: [1, undefined] }, /undefined.* at `\$\.a\[1\]`/],
    ["a hole in an array", { a: [1, undefined, 2] }, /at `\$\.a\[1\]`/],
    ["a function inside an object", { a: { f: () => 1 } }, /function at `\$\.a\.f`/],
    ["a symbol", { s: Symbol("x") }, /symbol/],
    ["a Map, which JSON.stringify would write as {}", { m: new Map([["a", 1]]) }, /Map object at `\$\.m`/],
    ["a Date, which has toJSON", { d: new Date(0) }, /Date object/],
  ])("refuses %s", (_what, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it("refuses a cycle, with or without integer-like keys", () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    const b: Record<string, unknown> = { 1: 1 };
    b.self = b;
    expect(() => canonicalJson(a)).toThrow(/cycle/);
    expect(() => canonicalJson(b)).toThrow(/cycle/);
    expect(() => prettyCanonicalJson(a)).toThrow(/cycle at `\$\.self`/);
    // The same object twice, side by side, is not a cycle.
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: [shared, shared] })).toBe('{"a":{"k":1},"b":[{"k":1},{"k":1}]}');
  });

  it("hashes: sha256 hex of text or bytes, and `sha256:` over canonical JSON", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex(Buffer.from("abc"))).toBe(sha256Hex("abc"));
    expect(contentHash({ b: 1, a: 2 })).toBe(`sha256:${sha256Hex('{"a":2,"b":1}')}`);
  });
});
