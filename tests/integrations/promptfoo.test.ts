/**
 * rulers inside promptfoo, for real: promptfoo 0.118.0 (the last release that runs on Node 20)
 * evaluates a config whose assertion is rulers' own (dist/integrations/promptfoo.js), judged by
 * a local fake OpenAI server. promptfoo is installed once per machine into a cache folder
 * (~/.cache/rulers-tests, or RULERS_PROMPTFOO_DIR) and reused, since the install takes minutes.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { always, type FakeOpenAI, startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";

const root = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const VERSION = "0.118.0";
const home = process.env.RULERS_PROMPTFOO_DIR ?? join(homedir(), ".cache", "rulers-tests", `promptfoo-${VERSION}`);
const bin = join(home, "node_modules", ".bin", "promptfoo");
const bundle = join(root, "bundles/asap.persuasive-essay/1.0.0/bundle.json");

function installPromptfoo(): void {
  if (existsSync(bin)) return;
  // Installed beside the final folder and renamed, so an interrupted install is never reused.
  const staging = `${home}.partial-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "package.json"), JSON.stringify({ name: "promptfoo-for-rulers-tests", private: true }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", `promptfoo@${VERSION}`], {
    cwd: staging,
    stdio: "ignore",
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  });
  rmSync(home, { recursive: true, force: true });
  renameSync(staging, home);
}

let judge: FakeOpenAI;
const dir = mkdtempSync(join(tmpdir(), "rulers-promptfoo-"));

beforeAll(async () => {
  installPromptfoo();
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "ignore" });
  judge = await startFakeOpenAI((r) => ({ json: answerFor(r.body) }));
}, 900_000);

afterAll(async () => {
  await judge?.close();
  rmSync(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: promptfoo's output file is read as it comes
async function evaluate(config: string): Promise<{ results: any[]; stdout: string }> {
  writeFileSync(join(dir, "promptfooconfig.yaml"), config);
  const out = join(dir, "out.json");
  rmSync(out, { force: true });
  // Asynchronously: the fake judge answers from this very process, so it must not be blocked.
  // promptfoo exits 100 when an assertion fails; the results file is written all the same.
  const { stdout } = await run(
    bin,
    ["eval", "-c", "promptfooconfig.yaml", "--no-cache", "-o", out, "--no-progress-bar"],
    {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        OPENAI_API_KEY: "test-key",
        PROMPTFOO_CONFIG_DIR: join(dir, ".promptfoo"),
        PROMPTFOO_DISABLE_TELEMETRY: "1",
        PROMPTFOO_DISABLE_UPDATE: "1",
      },
    },
  ).catch((err: { code?: number; stdout?: string }) => {
    if (err.code === 100) return { stdout: err.stdout ?? "" };
    throw err;
  });
  return { results: JSON.parse(readFileSync(out, "utf8")).results.results, stdout };
}

const assertion = (extra = "") => `
    assert:
      - type: javascript
        value: file://${join(root, "dist/integrations/promptfoo.js")}
        config:
          bundle: ${bundle}
          model: judge-model
          baseUrl: ${judge.baseURL}
          inputs: { essay: output, prompt: vars.task }${extra}`;

describe("a rulers bundle as a promptfoo assertion", () => {
  it("grades promptfoo's outputs with the locked bundle and returns score, criteria, evidence and hash", async () => {
    const { results } = await evaluate(`
prompts:
  - "{{essay}}"
providers:
  - echo
tests:
  - vars:
      task: "Should libraries remove offensive books? Write a persuasive essay."
      essay: "Libraries should keep every book. Censorship takes away the reader's right to decide."
${assertion()}
`);
    expect(results).toHaveLength(1);
    const graded = results[0].gradingResult.componentResults[0];
    const own = JSON.parse(readFileSync(bundle, "utf8"));
    expect(graded.metadata.bundle_hash).toBe(own.hash);
    expect(graded.metadata.bundle).toBe("asap.persuasive-essay@1.0.0");
    // The score is the record's raw score mapped from the rubric's 1..6 onto 0..1; pass is score ≥ 0.5.
    expect(typeof graded.metadata.raw_score).toBe("number");
    expect(graded.score).toBeCloseTo((graded.metadata.raw_score - 1) / 5, 10);
    expect(graded.pass).toBe(graded.score >= 0.5);
    expect(graded.componentResults.length).toBe(own.body.rubric.criteria.length);
    expect(Array.isArray(graded.metadata.evidence)).toBe(true);
    // The judge really was asked, with the essay inside the fenced inputs.
    expect(judge.requests.some((r) => JSON.stringify(r.body).includes("Censorship takes away"))).toBe(true);
  });

  it("fails the assertion with the reason when the judge cannot answer, never a silent pass", async () => {
    const broken = await startFakeOpenAI(always("not an answer"));
    try {
      const { results } = await evaluate(`
prompts:
  - "{{essay}}"
providers:
  - echo
tests:
  - vars:
      task: "t"
      essay: "An essay."
    assert:
      - type: javascript
        value: file://${join(root, "dist/integrations/promptfoo.js")}
        config:
          bundle: ${bundle}
          model: judge-model
          baseUrl: ${broken.baseURL}
          inputs: { essay: output, prompt: vars.task }
`);
      const graded = results[0].gradingResult.componentResults[0];
      expect(graded.pass).toBe(false);
      expect(graded.reason).toMatch(/could not score/);
    } finally {
      await broken.close();
    }
  });
});
