import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileSource } from "../../src/compile/index.js";
import type { Diagnostic } from "../../src/diagnostics/index.js";

export const EXAMPLES = "examples";

/** Every example rubric (not parts), as [path, text]. */
export function exampleSources(): [string, string][] {
  const files = [
    ...readdirSync(EXAMPLES)
      .filter((f) => f.endsWith(".rubric"))
      .map((f) => join(EXAMPLES, f)),
    ...readdirSync(join(EXAMPLES, "versions")).map((f) => join(EXAMPLES, "versions", f)),
  ];
  return files.map((f) => [f, readFileSync(f, "utf8")]);
}

/** A minimal valid rubric with `body` appended; tests add the one thing they are about. */
export function rubric(body: string, header = "rubric t.x version 1.0.0"): string {
  return `${header}\ninput response "the answer", quotable\nscale 1 to 5\n${body}\n`;
}

export function diagnosticsOf(source: string): Diagnostic[] {
  return compileSource(source, "t.rubric").diagnostics;
}

export function codes(source: string): string[] {
  return diagnosticsOf(source).map((d) => d.code);
}
