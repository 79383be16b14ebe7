/**
 * `rulers judge` from a test: the argv every CLI test builds, a fake judge that lives for one
 * test, and the run file read back.
 */
import { readFileSync } from "node:fs";
import { afterEach } from "vitest";
import { type FakeOpenAI, type FakeOpenAIOptions, type Script, startFakeOpenAI } from "./fake-openai.js";

/** The files and judge of a `rulers judge` or `rulers batch` run. */
export interface RunTarget {
  readonly bundle: string;
  readonly input: string;
  readonly out: string;
  /** `--model` (default `m`), one per model of a panel; null leaves the model to the extra arguments. */
  readonly model?: string | readonly string[] | null;
  /** `--base-url`, usually a fake server's `baseURL`. */
  readonly baseURL?: string;
}

function targetArgv(t: RunTarget): string[] {
  const models = t.model === null ? [] : typeof t.model === "string" ? [t.model] : (t.model ?? ["m"]);
  return [
    "--bundle",
    t.bundle,
    "--input",
    t.input,
    "--out",
    t.out,
    ...models.flatMap((m) => ["--model", m]),
    ...(t.baseURL === undefined ? [] : ["--base-url", t.baseURL]),
  ];
}

/** `judge --bundle … --input … --out … --model … [--base-url …]` followed by `extra`. */
export function judgeArgv(t: RunTarget, extra: readonly string[] = []): string[] {
  return ["judge", ...targetArgv(t), ...extra];
}

/** `batch prepare|ingest --bundle … --input … --out … [--model …] [--base-url …]` followed by `extra`. */
export function batchArgv(step: "prepare" | "ingest", t: RunTarget, extra: readonly string[] = []): string[] {
  return ["batch", step, ...targetArgv(t), ...extra];
}

/** Each line of a JSONL file (a run file, a batch file) parsed; blank lines are skipped. */
// biome-ignore lint/suspicious/noExplicitAny: tests read records field by field
export function readJsonl(path: string): any[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export interface FakeJudgePerTest {
  /** The server this test started; throws when it started none. */
  readonly server: FakeOpenAI;
  /** Starts a server for this test, closing the one already running. */
  start(script: Script, opts?: FakeOpenAIOptions): Promise<FakeOpenAI>;
  /** The server already running in this test, or a new one answering with `script`. */
  ensure(script: Script): Promise<FakeOpenAI>;
}

/** A fake OpenAI judge per test, closed after each; call at the top of a test file. */
export function fakeJudgePerTest(): FakeJudgePerTest {
  let current: FakeOpenAI | null = null;
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  return {
    get server() {
      if (!current) throw new Error("no fake judge is running in this test");
      return current;
    },
    async start(script, opts = {}) {
      await current?.close();
      current = await startFakeOpenAI(script, opts);
      return current;
    },
    async ensure(script) {
      current ??= await startFakeOpenAI(script);
      return current;
    },
  };
}
