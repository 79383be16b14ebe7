/** The README's promises about the tree: its Layout section names every folder of src/. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const readme = readFileSync("README.md", "utf8");
const layout = /^## Layout\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? "";

describe("README.md", () => {
  it("has a Layout section", () => {
    expect(layout).toMatch(/`src\/`/);
  });

  it("names every folder of src/ in its Layout section", () => {
    const folders = readdirSync("src").filter((f) => statSync(join("src", f)).isDirectory());
    expect(folders.length).toBeGreaterThan(5);
    expect(folders.filter((f) => !layout.includes(`\`${f}/\``))).toEqual([]);
  });

  it("gives the test command that .ci/run calls", () => {
    expect(readme).toMatch(/^npm test\b/m);
    expect(readFileSync(".ci/run", "utf8")).toMatch(/^npm test\b/m);
  });
});
