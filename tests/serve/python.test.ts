/**
 * The Python client (clients/python) against a live `rulers serve`: the real CLI in a child
 * process on loopback, with a bearer token, in front of a scripted judge; `python3 -m unittest`
 * runs tests/serve/python/. Then SIGTERM: the server finishes and exits 0.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeOpenAI } from "../helpers/fake-openai.js";
import { startFakeOpenAI } from "../helpers/fake-openai.js";
import { gradedJudge, makeBundles, spawnServe } from "./helpers.js";

const python = spawnSync("python3", ["--version"]).status === 0;
let b: ReturnType<typeof makeBundles>;
let judge: FakeOpenAI;
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  b = makeBundles();
  judge = await startFakeOpenAI(gradedJudge);
  const serve = spawnServe(b.lock, judge.baseURL, ["--token-env", "RULERS_TEST_TOKEN"], {
    RULERS_TEST_TOKEN: "tok-123",
    OPENAI_API_KEY: "k",
  });
  server = serve.child;
  url = await serve.url;
}, 60_000);

afterAll(async () => {
  if (server.exitCode === null) server.kill("SIGKILL");
  await judge.close();
  b.cleanup();
});

describe.skipIf(!python)("the Python client against a live server", () => {
  it("passes its unittest suite", async () => {
    // Asynchronously: the judge answers from this process, so it must not be blocked.
    const child = spawn("python3", ["-m", "unittest", "-v", "test_rulers_client"], {
      cwd: "tests/serve/python",
      env: {
        ...process.env,
        PYTHONPATH: `${process.cwd()}/clients/python`,
        PYTHONDONTWRITEBYTECODE: "1",
        RULERS_URL: url,
        RULERS_BUNDLE: "test.reward@1.0.0",
        RULERS_TOKEN: "tok-123",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (c) => {
      stderr += String(c);
    });
    const status = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const r = { stderr, status };
    expect(r.stderr).toMatch(/^OK$/m);
    expect(r.stderr).toMatch(/Ran 1\d tests/);
    expect(r.status).toBe(0);
  }, 130_000);

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);
});
