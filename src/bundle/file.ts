/** Reading and writing bundle.json files; a file is trusted only after its hash is recomputed. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { errnoOf, RulersError } from "../util/errors.js";
import { lazy } from "../util/lazy.js";
import { zodPackage } from "../util/packages.js";
import { parseStrictJson, StrictJsonError } from "../util/strict-json.js";
import { prettyCanonicalJson } from "./canonical.js";
import { validate as shapeOk } from "./file-shape.generated.js";
import { contentHash } from "./hash.js";
import { irSchemas, referenceIssues } from "./ir-schema.js";
import { BUNDLE_FORMAT, type Bundle, type BundleBody } from "./types.js";

export class BundleError extends RulersError {
  constructor(
    readonly path: string,
    readonly kind: "unreadable" | "not-json" | "bad-shape" | "unknown-format",
    message: string,
  ) {
    super(`${path}: ${message}`, { code: "bundle" });
    this.name = "BundleError";
  }
}

// The envelope, and the IR's shape and references: a hash proves a body is what someone
// compiled, not that rulers compiled it, so a hand-edited, re-hashed body must fail here with
// the field named rather than deep inside judging (ir-schema.ts).
export const bundleFileSchema = lazy(() => {
  const { z } = zodPackage();
  const { ItemCriterionSchema, RubricIRSchema } = irSchemas();
  const BundleFile = z.object({
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be `sha256:` and 64 hex digits"),
    body: z
      .object({
        format: z.string(),
        rubric: RubricIRSchema,
        prompt: z.object({ system: z.string(), user: z.string() }),
        answer_schema: z.record(z.string(), z.unknown()),
        items: z.record(z.string(), z.array(ItemCriterionSchema)).nullable(),
      })
      .passthrough(),
  });
  return BundleFile;
});

/**
 * The JSON Schema of a bundle file, generated from the zod schemas above (input side, draft-07).
 * scripts/bundle-schema.ts compiles it with ajv into file-shape.generated.ts, which reading runs first.
 */
export function bundleFileJsonSchema(): Record<string, unknown> {
  // Sub-schemas used more than once become definitions: ajv's code then holds one function for
  // each instead of a copy per use, about half the code V8 compiles on a judge run's first read.
  return zodPackage().z.toJSONSchema(bundleFileSchema(), {
    target: "draft-7",
    io: "input",
    unrepresentable: "any",
    reused: "ref",
  });
}

export function makeBundle(body: BundleBody): Bundle {
  return { hash: contentHash(body), body };
}

export function serializeBundle(bundle: Bundle): string {
  return prettyCanonicalJson({ hash: bundle.hash, body: bundle.body });
}

export function bundlePath(outDir: string, id: string, version: string): string {
  return join(outDir, id, version, "bundle.json");
}

export function writeBundle(outDir: string, bundle: Bundle): string {
  const path = bundlePath(outDir, bundle.body.rubric.id, bundle.body.rubric.version);
  writeFileAtomic(path, serializeBundle(bundle));
  return path;
}

export function parseBundle(text: string, path: string): Bundle {
  let json: unknown;
  try {
    // Strict: duplicate keys, `__proto__` and out-of-range numbers would let another reader see
    // other content than the one hashed (grammar/bundle.md, "Reading").
    json = parseStrictJson(text);
  } catch (err) {
    if (!(err instanceof StrictJsonError)) throw err;
    throw new BundleError(path, "not-json", `not valid JSON at line ${err.line} column ${err.column}: ${err.reason}`);
  }
  const body = checkShape(json, path);
  if (body.format !== BUNDLE_FORMAT) {
    throw new BundleError(
      path,
      "unknown-format",
      `bundle format \`${body.format}\` is not \`${BUNDLE_FORMAT}\`; recompile it with this version of rulers`,
    );
  }
  return json as Bundle;
}

/**
 * The envelope's and IR's shape and references; throws naming the first field that is wrong.
 * Checked first by ajv's code generated from the zod schemas (file-shape.generated.ts), so a
 * judge run loads neither zod nor ajv; zod is loaded only to name what is wrong.
 */
function checkShape(json: unknown, path: string): { format: string } {
  if (shapeOk(json)) {
    const b = (json as Bundle).body;
    if (referenceIssues(b.rubric).length === 0) return b;
  }
  const parsed = bundleFileSchema().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BundleError(
      path,
      "bad-shape",
      `not a rulers bundle: \`${issue.path.join(".") || "(top)"}\` ${issue.message.toLowerCase()}`,
    );
  }
  return parsed.data.body;
}

/** Read a bundle file, checking its envelope (not its hash: see `verifyBundle`). */
export function readBundle(path: string): Bundle {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = errnoOf(err);
    throw new BundleError(
      path,
      "unreadable",
      code === "ENOENT" ? "no such bundle file" : `cannot read (${code ?? (err as Error).message})`,
    );
  }
  return parseBundle(text, path);
}

/** Recompute the body's hash: the one check that proves the bundle is what was compiled. */
export function bundleIntact(bundle: Bundle): boolean {
  return contentHash(bundle.body) === bundle.hash;
}
