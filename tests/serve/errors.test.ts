/** Bad input and bad conditions: clear JSON errors with stable codes, and the server keeps serving. */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../src/serve/index.js";
import { gradedJudge, item, type Reply, servedFixture, slowJudge, type TestServer } from "./helpers.js";

const fixture = servedFixture();
const good = { bundle: "test.reward@1.0.0", items: [item("a", "good")] };

/** The error's code, its status as the table says, and a non-empty message. */
function expectError(r: Reply, code: keyof typeof ERROR_STATUS) {
  expect(r.json?.error?.code, JSON.stringify(r.json)).toBe(code);
  expect(r.status).toBe(ERROR_STATUS[code]);
  expect(r.json.error.message.length).toBeGreaterThan(10);
}

async function stillServes(s: TestServer) {
  const r = await s.post("/v1/reward", good);
  expect(r.status).toBe(200);
  expect(r.json.rewards).toEqual([5]);
}

describe("requests the server refuses", () => {
  it("names the bundle problem: not locked, locked but not served, hash mismatch", async () => {
    const t = await fixture.start(gradedJudge, { refs: ["test.reward@1.0.0"] });
    expectError(await t.post("/v1/reward", { ...good, bundle: "test.reward@9.9.9" }), "bundle_not_locked");
    expectError(await t.post("/v1/reward", { ...good, bundle: "nope@1.0.0" }), "bundle_not_locked");
    const notServed = await t.post("/v1/reward", { ...good, bundle: "test.other@2.0.0" });
    expectError(notServed, "bundle_not_served");
    expect(notServed.json.error.message).toContain("test.reward@1.0.0");
    const mismatch = await t.post("/v1/reward", { ...good, bundle_hash: `sha256:${"0".repeat(64)}` });
    expectError(mismatch, "bundle_hash_mismatch");
    expect(mismatch.json.error.bundle_hash).toMatch(/^sha256:/);
    expect(t.judge.requests).toHaveLength(0);
    await stillServes(t);
  });

  it("refuses rows missing inputs, naming each row and input, and judges none of them", async () => {
    const t = await fixture.start();
    const r = await t.post("/v1/reward", {
      bundle: "test.reward@1.0.0",
      items: [item("a", "good"), { id: "b", prompt: "p" }, 7],
    });
    expectError(r, "invalid_rows");
    expect(r.json.error.problems).toEqual([{ index: 2, message: "must be a JSON object" }]);
    const missing = await t.post("/v1/reward", {
      bundle: "test.reward@1.0.0",
      items: [item("a", "good"), { id: "b", prompt: "p", reference: "r" }],
    });
    expectError(missing, "invalid_rows");
    expect(missing.json.error.problems).toEqual([{ index: 1, id: "b", message: "missing input `response`" }]);
    expect(t.judge.requests).toHaveLength(0);
    await stillServes(t);
  });

  it("checks the request's own shape", async () => {
    const t = await fixture.start();
    expectError(await t.post("/v1/reward", "{not json"), "invalid_json");
    expectError(await t.post("/v1/reward", "[1,2]"), "invalid_request");
    const typo = await t.post("/v1/reward", { bundle: "test.reward@1.0.0", itemz: [] });
    expectError(typo, "invalid_request");
    expect(typo.json.error.message).toContain("itemz");
    expectError(await t.post("/v1/reward", { ...good, items: [] }), "invalid_request");
    expectError(await t.post("/v1/reward", { ...good, failed_reward: "low" }), "invalid_request");
    expectError(await t.post("/v1/reward", good, { "content-type": "text/plain" }), "unsupported_media_type");
    expectError(await t.get("/v1/nothing"), "not_found");
    const wrong = await t.get("/v1/reward");
    expectError(wrong, "method_not_allowed");
    expect(wrong.headers.get("allow")).toBe("POST");
    await stillServes(t);
  });

  it("limits body size and items per request", async () => {
    const t = await fixture.start(gradedJudge, { maxBodyBytes: 4096, maxItems: 3 });
    const big = await t.post("/v1/reward", { ...good, items: [item("a", "x".repeat(5000))] });
    expectError(big, "body_too_large");
    expect(big.json.error.limit).toBe(4096);
    const many = await t.post("/v1/reward", { ...good, items: [1, 2, 3, 4].map((i) => item(`i${i}`, "good")) });
    expectError(many, "too_many_items");
    await stillServes(t);
  });

  it("requires the bearer token when one is set, except for /healthz", async () => {
    const t = await fixture.start(gradedJudge, { token: "s3cret" });
    const none = await t.post("/v1/reward", good);
    expectError(none, "unauthorized");
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expectError(await t.post("/v1/reward", good, { authorization: "Bearer wrong" }), "unauthorized");
    expectError(await t.get("/metrics"), "unauthorized");
    expect((await t.get("/healthz")).status).toBe(200);
    const ok = await t.post("/v1/reward", good, { authorization: "Bearer s3cret" });
    expect(ok.json.rewards).toEqual([5]);
  });
});

describe("conditions the server survives", () => {
  it("answers 429 with Retry-After past the queue bound, and serves again once it drains", async () => {
    const t = await fixture.start(slowJudge(300), {
      maxQueue: 4,
      maxItems: 4,
    });
    const first = t.post("/v1/reward", { ...good, items: [1, 2, 3].map((i) => item(`a${i}`, `good ${i}`)) });
    while (t.judge.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const full = await t.post("/v1/reward", { ...good, items: [1, 2].map((i) => item(`b${i}`, `other ${i}`)) });
    expectError(full, "queue_full");
    expect(Number(full.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // An item already queued joins its twin and needs no room.
    const twin = await t.post("/v1/reward", { ...good, items: [item("dup", "good 1"), item("x", "bad")] });
    expect(twin.json.rewards).toEqual([5, 1]);
    expect((await first).json.rewards).toEqual([5, 5, 5]);
    await stillServes(t);
  });

  it("gives up at the deadline with 504, and the work it started is cached for the retry", async () => {
    let calls = 0;
    const t = await fixture.start(slowJudge(400, () => calls++));
    const late = await t.post("/v1/reward", { ...good, deadline_ms: 100 });
    expectError(late, "deadline_exceeded");
    await new Promise((r) => setTimeout(r, 500));
    const retry = await t.post("/v1/reward", good);
    expect(retry.json.rewards).toEqual([5]);
    expect(calls).toBe(1);
  });

  it("drops queued items nobody waits for any more", async () => {
    const t = await fixture.start(slowJudge(300), {
      concurrency: 1,
    });
    // One lane per call slot: item 1 starts, 2..6 wait and are dropped when the request gives up.
    const late = await t.post("/v1/reward", {
      ...good,
      items: [1, 2, 3, 4, 5, 6].map((i) => item(`i${i}`, `good ${i}`)),
      deadline_ms: 100,
    });
    expectError(late, "deadline_exceeded");
    await new Promise((r) => setTimeout(r, 800));
    expect(t.judge.requests.length).toBe(1);
    expect((await t.get("/healthz")).json.queue_depth).toBe(0);
  });

  it("says the judge is unavailable when it is down, with Retry-After, whatever the floor", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const t = await fixture.start(gradedJudge, { judgeURL: `http://127.0.0.1:${port}/v1`, failedReward: 0 });
    const r = await t.post("/v1/reward", good);
    expectError(r, "judge_unavailable");
    expect(r.json.error.reason).toBe("judge_connection");
    expect(r.headers.get("retry-after")).toBe("5");
    expect((await t.get("/healthz")).status).toBe(200);
    expect((await t.get("/metrics")).text).toMatch(
      /^rulers_serve_item_failures_total\{reason="judge_connection"\} 1$/m,
    );
  });

  it("finishes in-flight requests on shutdown and refuses new ones meanwhile", async () => {
    const t = await fixture.start(slowJudge(300));
    const inFlight = t.post("/v1/reward", good);
    // Close only once the request is with the judge (a loaded machine may take a while to get there).
    while (t.judge.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const closing = t.server.close();
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(r.json.rewards).toEqual([5]);
    await closing;
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
  });
});
