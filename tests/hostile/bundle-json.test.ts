/** Issue 13 item 1: a bundle that verifies is the bundle that runs. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeBundle, parseBundle, readBundle, serializeBundle } from "../../src/bundle/file.js";
import { lockBundles, readLock } from "../../src/bundle/lock.js";
import { contentHash } from "../../src/util/canonical.js";
import { parseStrictJson, StrictJsonError } from "../../src/util/strict-json.js";
import { body, bundle, tempDir } from "../bundle/fixtures.js";
import { runCli } from "../helpers/cli.js";
import { judgeArgv } from "../helpers/judge-cli.js";

const { dir, cleanup } = tempDir("rulers-hostile-");
afterAll(cleanup);

function reason(text: string): string {
  try {
    parseStrictJson(text);
  } catch (err) {
    if (err instanceof StrictJsonError) return `${err.line}:${err.column} ${err.reason}`;
    throw err;
  }
  return "accepted";
}

describe("strict JSON", () => {
  it("rejects duplicate keys, naming where", () => {
    expect(reason('{"a": 1,\n "a": 2}')).toBe('2:2 duplicate key "a"');
    expect(reason('{"a": {"b": 1, "b": 1}}')).toMatch(/duplicate key "b"/);
  });
  it("rejects __proto__ keys, also when written with escapes", () => {
    expect(reason('{"__proto__": {}}')).toMatch(/`__proto__` is not allowed/);
    expect(reason('{"\\u005f_proto__": 1}')).toMatch(/`__proto__` is not allowed/);
  });
  it("rejects numbers a double cannot hold and runaway nesting, without a stack overflow", () => {
    expect(reason('{"a": 1e400}')).toMatch(/outside the range of a double/);
    expect(reason(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)).toMatch(/nesting deeper than 512/);
  });
  it("reads keys such as constructor as plain data", () => {
    const v = parseStrictJson('{"constructor": 1}') as Record<string, unknown>;
    expect(v.constructor).toBe(1);
    expect((parseStrictJson("{}") as Record<string, unknown>).toString).toBeUndefined();
  });
  it("agrees with JSON.parse on ordinary JSON", () => {
    const text = serializeBundle(bundle());
    expect(JSON.stringify(parseStrictJson(text))).toBe(JSON.stringify(JSON.parse(text)));
  });
});

describe("canonical JSON", () => {
  it("keeps an own __proto__ key in the hashed text", () => {
    const withKey = JSON.parse('{"a": 1, "__proto__": {"x": 1}}');
    expect(contentHash(withKey)).not.toBe(contentHash({ a: 1 }));
  });
});

describe("bundles", () => {
  const b = bundle();
  const text = serializeBundle(b);

  it("refuses a bundle with a __proto__ key slipped into its body", () => {
    const hostile = text.replace('"items": null', '"items": null,\n    "__proto__": {"items": {"x": []}}');
    expect(hostile).not.toBe(text);
    expect(() => parseBundle(hostile, "b.json")).toThrow(
      /not valid JSON at line \d+ column \d+: the key `__proto__` is not allowed/,
    );
  });

  it("refuses a bundle whose body repeats a key", () => {
    const hostile = text.replace('"items": null', '"items": null,\n    "items": {"x": []}');
    expect(() => parseBundle(hostile, "b.json")).toThrow(/duplicate key "items"/);
  });

  it("looks up an item id such as toString as data", () => {
    const path = join(dir, "items.json");
    writeFileSync(path, serializeBundle({ ...b, body: { ...b.body, items: { a: [] } } }));
    expect(readBundle(path).body.items?.toString).toBeUndefined();
  });
});

describe("rubric ids named like Object's members", () => {
  for (const id of ["constructor", "toString", "valueOf", "hasOwnProperty"]) {
    it(`locks and verifies \`${id}\``, async () => {
      const d = join(dir, id);
      mkdirSync(d, { recursive: true });
      const bundlePath = join(d, "bundle.json");
      writeFileSync(bundlePath, serializeBundle(bundle({ id })));
      const lock = lockBundles([bundlePath], join(d, "rulers.lock"));
      expect(Object.keys(lock.rubrics)).toEqual([id]);
      const lockPath = join(d, "rulers.lock");
      expect((await runCli(["lock", bundlePath, "--out", lockPath])).code).toBe(0);
      expect(Object.keys(readLock(lockPath).rubrics)).toEqual([id]);
      expect(JSON.parse(readFileSync(lockPath, "utf8")).rubrics[id]["1.0.0"].path).toBe("bundle.json");
      const v = await runCli(["verify", "--lock", lockPath]);
      expect(v.stdout).toMatch(/ok: 1 bundle/);
      expect(v.code).toBe(0);
    });
  }
});

describe("malformed IR in a self-hashed bundle", () => {
  const rehashed = (edit: (ir: Record<string, unknown>) => void) => {
    const b = body();
    const ir = JSON.parse(JSON.stringify(b.rubric)) as Record<string, unknown>;
    edit(ir);
    return serializeBundle(makeBundle({ ...b, rubric: ir as never }));
  };

  it("names the field instead of failing inside judging", () => {
    const text = rehashed((ir) => {
      (ir.criteria as Record<string, unknown>[])[0]!.levels = "many";
    });
    expect(() => parseBundle(text, "b.json")).toThrow(/not a rulers bundle: `body\.rubric\.criteria\.0\.levels`/);
  });

  it("refuses references to nothing and per-item criteria of the wrong shape", () => {
    const gate = rehashed((ir) => {
      ir.gates = [
        { id: "g", title: "", when: { kind: "met", ref: "ghost", negate: false }, action: { kind: "cap", value: 1 } },
      ];
    });
    expect(() => parseBundle(gate, "b.json")).toThrow(/`body\.rubric\.gates\.0\.when` refers to `ghost`/);
    const b = bundle();
    const items = serializeBundle(makeBundle({ ...b.body, items: { a: [{ id: 3 }] } as never }));
    expect(() => parseBundle(items, "b.json")).toThrow(/`body\.items\.a\.0\./);
  });

  it("is refused by `rulers judge` with one line and no stack", async () => {
    const path = join(dir, "malformed.json");
    writeFileSync(
      path,
      rehashed((ir) => {
        ir.judge = { samples: "three" };
      }),
    );
    const out = join(dir, "malformed.jsonl");
    const r = await runCli(judgeArgv({ bundle: path, input: "examples/health-answer.jsonl", out }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a rulers bundle: `body\.rubric\.judge\./);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
