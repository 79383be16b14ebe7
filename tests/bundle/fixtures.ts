/** Hand-built bundles for the bundle plumbing tests: no compiler involved. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeBundle } from "../../src/bundle/file.js";
import { BUNDLE_FORMAT, type Bundle, type BundleBody } from "../../src/bundle/types.js";
import type { RubricIR } from "../../src/compile/ir.js";

export function rubricIR(over: Partial<RubricIR> = {}): RubricIR {
  return {
    id: "t.essay",
    version: "1.0.0",
    title: "Essay quality — « naïve » test",
    description: "A small rubric for tests",
    tags: ["test"],
    mode: { kind: "pointwise" },
    inputs: [{ name: "response", description: "the answer", quotable: true }],
    scale: { kind: "numeric", min: 1, max: 6, step: 0.5 },
    instructions: "Be strict.",
    judge: {
      temperature: 0,
      samples: 1,
      seed: null,
      max_tokens: 1024,
      order: "evidence_first",
      quote_match: 0.85,
      on_evidence_failure: { kind: "unmet" },
    },
    sections: [],
    criteria: [
      {
        id: "clarity",
        title: "Clarity",
        description: "Is the essay clear?",
        section: null,
        kind: "levels",
        levels: [
          { value: 1, anchor: "unclear" },
          { value: 2, anchor: "clear" },
        ],
        weight: 2.5,
        points: null,
        evidence: { min_quotes: 1, max_quotes: null, max_words: 20, from: ["response"] },
        on_evidence_failure: { kind: "cap", value: 3 },
        tags: [],
      },
    ],
    checks: [],
    gates: [],
    aggregation: { method: "weighted_mean", rounding: "half_up" },
    template: null,
    imports: [],
    ...over,
  };
}

export function body(over: Partial<RubricIR> = {}): BundleBody {
  return {
    format: BUNDLE_FORMAT,
    rubric: rubricIR(over),
    prompt: {
      system: "You grade essays.\nRubric: clarity 1–2.",
      user: "<<{{boundary}}>>\n{{inputs}}\n<</{{boundary}}>>",
    },
    answer_schema: {
      type: "object",
      additionalProperties: false,
      required: ["criteria"],
      properties: { criteria: { type: "object" } },
    },
    items: null,
  };
}

export function bundle(over: Partial<RubricIR> = {}): Bundle {
  return makeBundle(body(over));
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = "rulers-bundle-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The same value with every object's keys inserted in reverse order. */
export function reversedKeys<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(reversedKeys) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) out[k] = reversedKeys((v as Record<string, unknown>)[k]);
  return out as T;
}
