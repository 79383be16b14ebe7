import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BundleError,
  bundleIntact,
  bundlePath,
  makeBundle,
  readBundle,
  serializeBundle,
  writeBundle,
} from "../../src/bundle/file.js";
import { contentHash } from "../../src/bundle/hash.js";
import { body, bundle, reversedKeys, tempDir } from "./fixtures.js";

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function errorOf(f: () => unknown): BundleError {
  try {
    f();
  } catch (err) {
    if (err instanceof BundleError) return err;
    throw err;
  }
  throw new Error("expected a BundleError");
}

describe("bundle files", () => {
  it("hash the body's canonical JSON, whatever order its keys were built in", () => {
    const b = bundle();
    expect(b.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.hash).toBe(contentHash(b.body));
    const shuffled = reversedKeys(b.body);
    expect(Object.keys(shuffled)).not.toEqual(Object.keys(b.body));
    expect(makeBundle(shuffled).hash).toBe(b.hash);
    expect(bundle({ version: "1.0.1" }).hash).not.toBe(b.hash);
  });

  it("serialise as sorted, indented JSON with `body` before `hash` and a final newline", () => {
    const text = serializeBundle(bundle());
    expect(text.startsWith('{\n  "body": {\n    "answer_schema": {')).toBe(true);
    expect(text.endsWith(`\n  "hash": "${bundle().hash}"\n}\n`)).toBe(true);
    expect(serializeBundle(bundle())).toBe(text);
  });

  it("write to <out>/<id>/<version>/bundle.json, byte-identical every time, leaving no temp file", () => {
    const out = join(dir, "out");
    const path = writeBundle(out, bundle());
    expect(path).toBe(bundlePath(out, "t.essay", "1.0.0"));
    expect(path).toBe(join(out, "t.essay", "1.0.0", "bundle.json"));
    const first = readFileSync(path);
    writeBundle(out, makeBundle(body()));
    expect(readFileSync(path).equals(first)).toBe(true);
    expect(readdirSync(join(out, "t.essay", "1.0.0"))).toEqual(["bundle.json"]);
  });

  it("read back to an equal, intact bundle", () => {
    const path = writeBundle(join(dir, "rt"), bundle());
    const back = readBundle(path);
    expect(back).toEqual(bundle());
    expect(bundleIntact(back)).toBe(true);
    expect(bundleIntact({ ...back, hash: `sha256:${"0".repeat(64)}` })).toBe(false);
  });

  it("name the path and the reason when a file cannot be read", () => {
    const missing = join(dir, "nope", "bundle.json");
    const e = errorOf(() => readBundle(missing));
    expect(e.kind).toBe("unreadable");
    expect(e.path).toBe(missing);
    expect(e.message).toBe(`${missing}: no such bundle file`);
    expect(errorOf(() => readBundle(dir)).kind).toBe("unreadable");
  });

  it("refuse text that is not JSON", () => {
    const p = join(dir, "broken.json");
    writeFileSync(p, serializeBundle(bundle()).slice(0, 100));
    const e = errorOf(() => readBundle(p));
    expect(e.kind).toBe("not-json");
    expect(e.message).toMatch(/^.*broken\.json: not valid JSON/);
  });

  /** The parsed file, loosely: each case below breaks one field of it. */
  type Raw = { hash?: string; body: { rubric: { id?: string }; prompt: unknown; items: unknown } };
  it.each<[string, (j: Raw) => unknown, string]>([
    ["the hash is missing", (j) => delete j.hash, "`hash`"],
    ["the hash is not sha256", (j) => (j.hash = "md5:abc"), "`hash` must be `sha256:` and 64 hex digits"],
    ["the rubric has no id", (j) => delete j.body.rubric.id, "`body.rubric.id`"],
    ["the prompt is a string", (j) => (j.body.prompt = "hi"), "`body.prompt`"],
    ["items is a list", (j) => (j.body.items = []), "`body.items`"],
    ["the file is a list", () => "replace", "`(top)`"],
  ])("refuse a file whose shape is wrong: %s, naming the field", (_what, edit, field) => {
    const j = JSON.parse(serializeBundle(bundle()));
    const p = join(dir, "shape.json");
    writeFileSync(p, JSON.stringify(edit(j) === "replace" ? [] : j));
    const e = errorOf(() => readBundle(p));
    expect(e.kind).toBe("bad-shape");
    expect(e.message).toContain(field);
    expect(e.message.startsWith(`${p}: not a rulers bundle`)).toBe(true);
  });

  it("refuse a bundle of an unknown format, saying how to fix it", () => {
    const j = JSON.parse(serializeBundle(bundle()));
    j.body.format = "rulers-bundle/99";
    const p = join(dir, "future.json");
    writeFileSync(p, JSON.stringify(j));
    const e = errorOf(() => readBundle(p));
    expect(e.kind).toBe("unknown-format");
    expect(e.message).toMatch(/`rulers-bundle\/99` is not `rulers-bundle\/1`; recompile/);
  });

  it("never leave a half-written file when writing fails", () => {
    const blocker = join(dir, "blocked");
    writeFileSync(blocker, "a file where a folder should be");
    expect(() => writeBundle(blocker, bundle())).toThrow();
    expect(existsSync(join(blocker, "t.essay"))).toBe(false);
  });
});
