/**
 * A served test rubric: compiled into a temporary folder with its lock, a scripted judge on
 * 127.0.0.1, and `startServer` pointed at it, so every test drives the real HTTP server and the
 * real openai SDK end to end.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll } from "vitest";
import { budgetFor } from "../../src/api/judge-setup.js";
import { buildBundle } from "../../src/bundle/build.js";
import { writeBundle } from "../../src/bundle/file.js";
import { lockBundles, writeLock } from "../../src/bundle/lock.js";
import { compileSource } from "../../src/compile/index.js";
import { createJudgeClient } from "../../src/judge/client.js";
import {
  loadServed,
  lruCache,
  type RewardServer,
  type ServeOptions,
  serveSetup,
  startServer,
} from "../../src/serve/index.js";
import { spawnCli } from "../helpers/cli.js";
import { type FakeOpenAI, type Script, startFakeOpenAI } from "../helpers/fake-openai.js";
import { answerFor } from "../helpers/scripted-judge.js";

export const RUBRIC = `rubric test.reward version 1.0.0
input prompt "The task"
input response "The answer", quotable
input reference "A reference answer"
scale 1 to 5
criterion clear "Clear"
  binary
  "The answer is clear."
  weight 1
  evidence at least 1 quote from response
end
criterion correct "Correct"
  levels 1 "wrong" 2 "partly" 3 "right" end
  weight 2
end
aggregate weighted mean
`;

export const OTHER = `rubric test.other version 2.0.0
input answer "The answer", quotable
scale 0 to 10
criterion ok "OK" binary "It is fine." end
aggregate weighted mean
`;

/** Makes a folder with both rubrics compiled and locked; returns its paths. */
export function makeBundles(): { dir: string; lock: string; bundle: string; other: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "rulers-serve-"));
  const paths = [RUBRIC, OTHER].map((src) => {
    const r = compileSource(src, "test.rubric");
    if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
    return writeBundle(join(dir, "bundles"), buildBundle(r.ir));
  });
  const lock = join(dir, "rulers.lock");
  writeLock(lock, lockBundles(paths, lock));
  writeFileSync(join(dir, "README"), "test bundles\n");
  return {
    dir,
    lock,
    bundle: paths[0]!,
    other: paths[1]!,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Good answers (containing "good") meet every criterion at the top level; others meet none. */
export const gradedJudge: Script = (r) => ({
  json: answerFor(r.body, {
    decide: (_id, values, inputs) => {
      const good = /good/i.test(inputs.response ?? inputs.answer ?? "");
      if (values.includes("met")) return good ? "met" : "unmet";
      const levels = values.map(Number);
      return good ? Math.max(...levels) : Math.min(...levels);
    },
  }),
});

export interface TestServer {
  readonly server: RewardServer;
  readonly judge: FakeOpenAI;
  readonly url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the answer's JSON field by field
  readonly json: any;
  readonly text: string;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export async function startTestServer(
  lock: string,
  script: Script = gradedJudge,
  overrides: Partial<ServeOptions> & {
    refs?: string[];
    calibrators?: string[];
    judgeURL?: string;
    /** The model the fake judge says answered. */
    judgeModel?: string;
    /** The judge model asked for (default judge-x). */
    model?: string;
    /** Provider settings by their CLI names (`provider`, `format`, `prices`, …), as `rulers serve` takes them. */
    providerValues?: Record<string, unknown>;
    /** `--max-cost` */
    maxCost?: number;
    /** HTTP retries per judge call (default 0). */
    maxRetries?: number;
    warnings?: string[];
  } = {},
): Promise<TestServer> {
  const {
    refs = [],
    calibrators = [],
    judgeURL,
    judgeModel,
    model = "judge-x",
    providerValues = {},
    maxCost,
    maxRetries = 0,
    warnings = [],
    ...rest
  } = overrides;
  const judge = await startFakeOpenAI(script, judgeModel ? { model: judgeModel } : {});
  const served = loadServed({ lockPath: lock, refs, calibrators });
  const baseURL = judgeURL ?? judge.baseURL;
  const { settings, provider } = serveSetup(
    served,
    { "base-url": baseURL, ...providerValues },
    { models: [model], maxRepairs: 1, maxInputChars: 200_000 },
    (m) => warnings.push(m),
  );
  const budget = maxCost === undefined ? undefined : budgetFor(maxCost, provider.prices, [model], "--max-cost");
  const server = await startServer({
    host: "127.0.0.1",
    port: 0,
    served,
    client: createJudgeClient({
      baseURL,
      apiKey: "k",
      timeoutMs: 5000,
      maxRetries,
      provider: provider.provider,
      format: provider.format,
      capabilities: provider.capabilities,
      ...(budget ? { budget } : {}),
    }),
    cache: lruCache(1000),
    settings,
    ...(budget ? { budget } : {}),
    concurrency: 8,
    maxQueue: 256,
    batchWindowMs: 2,
    maxBatch: 64,
    maxBodyBytes: 1024 * 1024,
    maxItems: 64,
    deadlineMs: 10_000,
    normalize: false,
    shutdownGraceMs: 5000,
    ...rest,
  });
  const url = server.url;
  return {
    server,
    judge,
    url,
    post: async (path, body, headers = {}) =>
      reply(
        await fetch(url + path, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      ),
    get: async (path, headers = {}) => reply(await fetch(url + path, { headers })),
    close: async () => {
      await server.close();
      await judge.close();
    },
  };
}

/** An item of the test rubric: the same prompt and reference, the answer to judge. */
export const item = (id: string, response: string) => ({
  id,
  prompt: "Explain tides.",
  response,
  reference: "The moon.",
});

export interface ServedFixture {
  /** The file's bundles and lock, made before its first test. */
  readonly bundles: ReturnType<typeof makeBundles>;
  /** A test server on the file's lock, closed after the test that started it. */
  start(script?: Script, overrides?: Parameters<typeof startTestServer>[2]): Promise<TestServer>;
}

/** For a test file: its bundles, made before its tests and removed after, and its test servers. */
export function servedFixture(): ServedFixture {
  let bundles: ReturnType<typeof makeBundles> | undefined;
  let current: TestServer | null = null;
  beforeAll(() => {
    bundles = makeBundles();
  });
  afterAll(() => bundles?.cleanup());
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  const fixture: ServedFixture = {
    get bundles() {
      if (!bundles) throw new Error("the bundles are made in beforeAll; use them inside a test");
      return bundles;
    },
    async start(script = gradedJudge, overrides = {}) {
      await current?.close();
      current = await startTestServer(fixture.bundles.lock, script, overrides);
      return current;
    },
  };
  return fixture;
}

/** The graded judge answering after `ms` milliseconds. */
export function slowJudge(ms: number, onCall: () => void = () => {}): Script {
  return (req) => {
    onCall();
    return { delayMs: ms, reply: gradedJudge(req) as never };
  };
}

export interface ServeProcess {
  /** The child, there to kill even while `url` is pending. */
  readonly child: ChildProcess;
  /** Where it listens, once it prints it; rejects with its stderr if it exits before. */
  readonly url: Promise<string>;
}

/**
 * The real `rulers serve --lock … --model judge-x --base-url … --port 0` and `extra` in a child
 * process on loopback, with `env` added to this one's.
 */
export function spawnServe(
  lock: string,
  baseURL: string,
  extra: readonly string[],
  env: Record<string, string>,
): ServeProcess {
  const args = ["serve", "--lock", lock, "--model", "judge-x", "--base-url", baseURL, "--port", "0", ...extra];
  const child = spawnCli(args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c) => {
    stderr += String(c);
  });
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(line.replace("listening on ", "")));
    child.once("exit", (code) => reject(new Error(`rulers serve exited ${code}: ${stderr}`)));
  });
  return { child, url };
}
