/** `rulers serve` refuses to start, with the reason, before it listens. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockBundles, writeLock } from "../../src/bundle/lock.js";
import { runCli } from "../helpers/cli.js";
import { makeBundles } from "./helpers.js";

let b: ReturnType<typeof makeBundles>;
beforeAll(() => {
  b = makeBundles();
});
afterAll(() => b.cleanup());

const serve = (...args: string[]) =>
  runCli(["serve", "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--port", "0", ...args]);

describe("rulers serve: startup checks", () => {
  it("requires a bearer token off loopback", async () => {
    const r = await serve("--lock", b.lock, "--host", "0.0.0.0");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("give a bearer token with --token-env");
  });

  it("refuses a token variable that is not set", async () => {
    const r = await serve("--lock", b.lock, "--token-env", "RULERS_TEST_NO_SUCH_VAR");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("RULERS_TEST_NO_SUCH_VAR");
  });

  it("refuses a bundle the lock does not pin, and an altered one", async () => {
    const onlyOne = join(b.dir, "one.lock");
    writeLock(onlyOne, lockBundles([b.bundle], onlyOne));
    const r = await serve("--lock", onlyOne, "--bundle", b.other);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to serve: .*test\.other/);

    const copy = join(b.dir, "altered.json");
    const json = JSON.parse(readFileSync(b.bundle, "utf8"));
    json.body.rubric.title = "changed";
    writeFileSync(copy, JSON.stringify(json));
    const altered = await serve("--lock", b.lock, "--bundle", copy);
    expect(altered.code).toBe(1);
    expect(altered.stderr).toContain("altered");
  });

  it("reports a missing lock and a bad OpenRLHF mapping", async () => {
    const r = await serve("--lock", join(b.dir, "none.lock"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no such lock file");
    const m = await serve("--lock", b.lock, "--openrlhf-bundle", "test.reward@1.0.0", "--openrlhf-map", "label=gold");
    expect(m.code).toBe(1);
    expect(m.stderr).toContain("has no input `gold`");
  });

  it("refuses limits that could never admit a request", async () => {
    const r = await serve("--lock", b.lock, "--max-items", "100", "--max-queue", "10");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("could never run");
  });
});
