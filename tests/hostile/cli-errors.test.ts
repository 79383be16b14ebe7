/** Issue 13 item 9: file-system failures are one line naming the path, never a stack trace. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../bundle/fixtures.js";
import { runCli } from "../helpers/cli.js";
import { rubric } from "../helpers/rubrics.js";

const { dir, cleanup } = tempDir("rulers-cli-errors-");
afterAll(cleanup);

const criterion = 'criterion c "C"\n  binary\nend';

describe("file-system failures", () => {
  it("`--out` naming a file", async () => {
    const src = join(dir, "ok.rubric");
    writeFileSync(src, rubric(criterion));
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const r = await runCli(["compile", src, "--out", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `rulers compile: cannot mkdir \`${file}/t.x/1.0.0\`: part of the path is a file, not a folder\n`,
    );
  });

  it("a rubric id longer than a file name may be", async () => {
    const src = join(dir, "long.rubric");
    writeFileSync(src, rubric(criterion, `rubric t.${"a".repeat(300)} version 1.0.0`));
    const r = await runCli(["compile", src, "--out", join(dir, "out")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^rulers compile: cannot mkdir `.*`: a name in the path is too long/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
