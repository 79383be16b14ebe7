/**
 * Bundle plumbing speed on a ~5 MB body: a per-item rubric whose bundle carries 2,500 items ×
 * 10 criteria (the shape `rulers compile --items` produces). Measures canonical JSON (the shared
 * writer alone, and with the bundle folder's plain-data check), sha256, the pretty form written
 * to bundle.json, and verification of a file (read, parse, shape check, recomputed hash).
 * Baseline: plain JSON.stringify of the same value (unsorted, unchecked).
 * Measures the compiled dist/ (what users run): `npm run bench bundle` builds first.
 * Median of 15 rounds after 3 warm-up rounds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertJsonValue, canonicalJson, prettyCanonicalJson } from "../dist/bundle/canonical.js";
import { bundleIntact, makeBundle, readBundle, serializeBundle, writeBundle } from "../dist/bundle/file.js";
import { contentHash, sha256Hex } from "../dist/bundle/hash.js";
import { BUNDLE_FORMAT, type BundleBody } from "../dist/bundle/types.js";
import { canonicalJson as writerOnly } from "../dist/util/canonical.js";

const ITEMS = 2500;
const CRITERIA = 10;
const words =
  "accurate complete safe concise clear relevant specific grounded polite correct timely ünïcödé — “quoted”".split(" ");

/**
 * `sorted`: item criteria built with their keys in sorted order, as compile/items.ts builds them
 * (the writer then copies nothing); otherwise in reverse order, the worst case (every object copied).
 */
function body(sorted: boolean): BundleBody {
  const items: Record<string, unknown[]> = {};
  for (let i = 0; i < ITEMS; i++) {
    items[`item-${i}`] = Array.from({ length: CRITERIA }, (_, j) => {
      const c: Record<string, unknown> = {
        description: `The response ${words[(i + j) % words.length]}ly addresses point ${j + 1} of question ${i}, citing the ${words[(i * j) % words.length]} detail and nothing else.`,
        id: `c${j + 1}`,
        points: j === 9 ? -5 : 1 + (j % 5) + 0.25,
        tags: [`axis:${words[j % words.length]}`, `level:${j % 4}`],
        title: j % 3 ? null : `criterion ${j}`,
        weight: null,
      };
      return sorted ? c : Object.fromEntries(Object.entries(c).reverse());
    });
  }
  const rubric = {
    id: "bench.per-item",
    version: "1.0.0",
    title: "Per-item bench",
    description: "",
    tags: [],
    mode: { kind: "pointwise" },
    inputs: [{ name: "response", description: "The answer", quotable: true }],
    scale: { kind: "numeric", min: 0, max: 1, step: 0.01 },
    instructions: "",
    judge: {
      temperature: 0,
      samples: 1,
      seed: null,
      max_tokens: null,
      order: "evidence_first",
      quote_match: 0.85,
      on_evidence_failure: { kind: "unmet" },
    },
    sections: [],
    criteria: [],
    checks: [],
    gates: [],
    aggregation: { method: "points", rounding: "none" },
    template: {
      field: "rubrics",
      kind: "binary",
      evidence: { min_quotes: 1, max_quotes: null, max_words: 40, from: ["response"] },
      on_evidence_failure: { kind: "unmet" },
    },
    imports: [],
  };
  return {
    format: BUNDLE_FORMAT,
    rubric: rubric as unknown as BundleBody["rubric"],
    prompt: { system: "You grade answers against per-item criteria.", user: "{{criteria}}\n{{inputs}}" },
    answer_schema: {
      type: "object",
      additionalProperties: false,
      required: ["criteria"],
      properties: { criteria: { type: "array" } },
    },
    items: items as unknown as BundleBody["items"],
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(f: () => unknown, rounds = 15, warm = 3): number {
  for (let i = 0; i < warm; i++) f();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

const b = body(true);
const unsorted = body(false);
const text = canonicalJson(b);
const mb = Buffer.byteLength(text) / 1e6;
const dir = mkdtempSync(join(tmpdir(), "rulers-bench-bundle-"));
const bundle = makeBundle(b);
const path = writeBundle(dir, bundle);
const fileMb = Buffer.byteLength(serializeBundle(bundle)) / 1e6;

const rows: [string, number, number][] = [
  ["baseline: JSON.stringify (no sorting, no checks)", measure(() => JSON.stringify(b)), mb],
  ["canonical JSON, shared writer only (util/canonical)", measure(() => writerOnly(b)), mb],
  ["the same, every item object's keys in reverse order (worst case)", measure(() => writerOnly(unsorted)), mb],
  ["plain-data check alone (bundle/canonical assertJsonValue)", measure(() => assertJsonValue(b)), mb],
  ["canonical JSON as bundles use it (check + writer)", measure(() => canonicalJson(b)), mb],
  ["sha256 of the canonical text", measure(() => sha256Hex(text)), mb],
  ["contentHash (check + writer + sha256)", measure(() => contentHash(b)), mb],
  [
    "pretty canonical JSON (bundle.json text)",
    measure(() => prettyCanonicalJson({ hash: bundle.hash, body: b })),
    fileMb,
  ],
  ["verify a file: read + parse + shape + recomputed hash", measure(() => bundleIntact(readBundle(path))), fileMb],
];
rmSync(dir, { recursive: true, force: true });

console.log(
  `bundle body: ${ITEMS} items × ${CRITERIA} criteria, ${mb.toFixed(2)} MB canonical, ${fileMb.toFixed(2)} MB as bundle.json\n`,
);
console.log("| what | median time | throughput |");
console.log("|---|---|---|");
for (const [what, ms, size] of rows)
  console.log(`| ${what} | ${ms.toFixed(1)} ms | ${(size / (ms / 1000)).toFixed(0)} MB/s |`);
