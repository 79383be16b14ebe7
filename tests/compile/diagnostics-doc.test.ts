import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("grammar/diagnostics.md", () => {
  const doc = readFileSync("grammar/diagnostics.md", "utf8");
  const emitted = new Set<string>();
  for (const f of [...sourceFiles("src/syntax"), ...sourceFiles("src/compile")]) {
    for (const m of readFileSync(f, "utf8").matchAll(/(?:error|warn|warning)\(\s*"([a-z]+(?:-[a-z]+)*)"/g))
      emitted.add(m[1]!);
  }

  it("finds the codes the compiler emits", () => {
    expect(emitted.size).toBeGreaterThan(30);
  });

  it("documents every code the syntax and compile stages can emit", () => {
    const missing = [...emitted].filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
