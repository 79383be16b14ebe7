/** Content hashes of bundles: `sha256:<hex>` over the canonical JSON of a value. */
import { sha256Hex } from "../util/canonical.js";
import { canonicalJson } from "./canonical.js";

export { sha256Hex };

export function contentHash(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}
