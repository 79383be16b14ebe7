/**
 * Reading a bundle checks its shape without zod first, with ajv's standalone code generated from
 * the zod schemas (src/bundle/file-shape.generated.ts, written by scripts/bundle-schema.ts).
 * That check may say no where zod says yes (zod then decides), but never yes where zod says no:
 * fuzzed here on mutated real bundles.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUNDLE_SHAPE_MODULE, bundleShapeModule } from "../../scripts/bundle-schema.js";
import { buildBundle } from "../../src/bundle/build.js";
import { bundleFileSchema, parseBundle } from "../../src/bundle/file.js";
import { validate } from "../../src/bundle/file-shape.generated.js";
import { referenceIssues } from "../../src/bundle/ir-schema.js";
import { compileSource } from "../../src/compile/index.js";
import type { RubricIR } from "../../src/compile/ir.js";
import { exampleSources } from "../helpers/rubrics.js";

const shipped = readdirSync("bundles").flatMap((id) =>
  readdirSync(join("bundles", id)).map((v) => JSON.parse(readFileSync(join("bundles", id, v, "bundle.json"), "utf8"))),
);
const examples = exampleSources()
  .map(([path, text]) => compileSource(text, path).ir)
  .filter((ir) => ir !== null && ir !== undefined)
  .map((ir) => JSON.parse(JSON.stringify(buildBundle(ir!))));

const zodSays = (v: unknown) => {
  const r = bundleFileSchema().safeParse(v);
  return r.success;
};
const quickSays = (v: unknown) =>
  validate(v) && referenceIssues((v as { body: { rubric: RubricIR } }).body.rubric).length === 0;

describe("the bundle shape checked without zod", () => {
  it("is generated from the zod schemas (rerun scripts/bundle-schema.ts when this fails)", () => {
    const source = bundleShapeModule();
    expect(readFileSync(BUNDLE_SHAPE_MODULE, "utf8") === source).toBe(true);
    // Imports nothing, so reading a bundle loads neither ajv nor its runtime helpers.
    // (Booleans, not matchers: a failure would print 170 KB of generated code.)
    expect(/\brequire\(|\bimport\s*\(|\bimport\s+[\w{*]/.test(source)).toBe(false);
    expect(/export const validate = validate\d+;/.test(source)).toBe(true);
  });

  it("passes every shipped and example bundle without asking zod", () => {
    expect(shipped.length + examples.length).toBeGreaterThan(15);
    for (const b of [...shipped, ...examples]) expect(quickSays(b), b.body.rubric.id).toBe(true);
  });

  it("counts string lengths as zod does (UTF-16 units)", () => {
    const b = structuredClone(shipped[0]);
    b.body.rubric.id = "\u{1F600}";
    expect(validate(b)).toBe(zodSays(b));
    b.body.rubric.id = "";
    expect(validate(b)).toBe(false);
    expect(zodSays(b)).toBe(false);
  });

  it("never accepts a mutated bundle that zod refuses", () => {
    const scalars = [null, true, false, 0, -1, 1.5, 2, "", "x", "pairwise", "levels", "flag", "met", "sha256:00"];
    const mutation = fc.record({
      bundle: fc.nat({ max: shipped.length + examples.length - 1 }),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
      op: fc.nat({ max: 5 }),
      value: fc.constantFrom(...scalars, [], {}, [""], { kind: "x" }),
    });
    let refused = 0;
    let disagreed = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const all = [...shipped, ...examples];
        let b = structuredClone(all[ms[0]!.bundle]);
        for (const m of ms) b = mutate(b, m.picks, m.op, m.value);
        const z = zodSays(b);
        const q = quickSays(b);
        if (q) expect(z).toBe(true);
        if (!z) refused++;
        if (z !== q) disagreed++;
      }),
      { numRuns: 1500, seed: 2112 },
    );
    // The mutations reach the refusals, and the quick check rarely sends a good bundle to zod.
    expect(refused).toBeGreaterThan(500);
    expect(disagreed).toBeLessThan(100);
  });

  it("leaves the message to zod: the field that is wrong is named", () => {
    const b = structuredClone(shipped[0]);
    b.body.rubric.criteria[0].kind = "scale";
    expect(() => parseBundle(JSON.stringify(b), "b.json")).toThrow(
      /b\.json: not a rulers bundle: `body\.rubric\.criteria\.0\.kind`/,
    );
    const dup = structuredClone(shipped[0]);
    dup.body.rubric.criteria[1].id = dup.body.rubric.criteria[0].id;
    expect(() => parseBundle(JSON.stringify(dup), "b.json")).toThrow(
      /`body\.rubric\.criteria\.1\.id` id `.*` is used twice/,
    );
  });
});

/** The value at a path chosen by `picks` (each an index into the keys there) gets `op` applied. */
function mutate(root: unknown, picks: number[], op: number, value: unknown): unknown {
  let parent: Record<string, unknown> | unknown[] | null = null;
  let key: string | number = "";
  let node: unknown = root;
  for (const p of picks) {
    if (node === null || typeof node !== "object") break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node as Record<string, unknown>;
    key = keys[p % keys.length]!;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (parent === null) return value;
  const at = parent as Record<string | number, unknown>;
  switch (op) {
    case 0:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete at[key];
      break;
    case 1:
      if (Array.isArray(parent)) parent.push(structuredClone(at[key]));
      else at[`${key}_extra`] = value;
      break;
    case 2:
      if (Array.isArray(node)) node.length = 0;
      else at[key] = value;
      break;
    default:
      at[key] = value;
  }
  return root;
}
