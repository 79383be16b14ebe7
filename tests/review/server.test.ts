/**
 * The review app's HTTP checks, now that it is plain node:http: token, Host, body type and size,
 * unknown paths, and an order asked for before the index is complete.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReviewServer, ReviewSession, startReviewServer } from "../../src/review/index.js";
import { writeRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-review-http-"));
let session: ReviewSession;
let server: ReviewServer;
let token: string;
beforeAll(async () => {
  const { run, rows } = writeRun(dir, 6000);
  session = ReviewSession.begin({ run, input: rows, labels: join(dir, "labels.jsonl"), rater: "alice" });
  session.start();
  server = await startReviewServer(session);
  token = new URL(server.url).searchParams.get("token")!;
});
afterAll(async () => {
  await server.close();
  session.close();
  rmSync(dir, { recursive: true, force: true });
});

function call(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: { error?: string } & Record<string, unknown> }> {
  const u = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      { method: opts.method ?? "GET", headers: { "x-review-token": token, ...opts.headers } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("review server", () => {
  it("refuses requests without the token or for another Host", async () => {
    expect((await call("/api/meta", { headers: { "x-review-token": "nope" } })).status).toBe(403);
    const r = await call("/api/meta", { headers: { host: "evil.example:80" } });
    expect(r).toEqual({ status: 421, body: { error: "unexpected Host `evil.example:80`" } });
  });

  it("answers unknown paths, wrong bodies and early orders with a status and a reason", async () => {
    expect((await call("/api/nothing")).status).toBe(404);
    const json = { "content-type": "application/json" };
    expect(await call("/api/labels", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" })).toEqual(
      {
        status: 415,
        body: { error: "send the label as application/json" },
      },
    );
    expect((await call("/api/labels", { method: "POST", headers: json, body: "{not json" })).body.error).toBe(
      "not a label: the body is not JSON",
    );
    const big = await call("/api/labels", { method: "POST", headers: json, body: "x".repeat(1_100_000) });
    expect(big).toEqual({ status: 413, body: { error: "a label is at most 1000000 bytes" } });
    expect((await call("/api/labels", { method: "POST", headers: json, body: '{"item_id":""}' })).body.error).toMatch(
      /^not a label: item_id: .*; label: /,
    );
    expect(await call("/api/order?mode=random")).toEqual({
      status: 409,
      body: {
        error: expect.stringMatching(/^the `random` order ranks every item; it is available when indexing finishes/),
      },
    });
    await session.indexInBackground();
    const all = await call("/api/order?mode=random&seed=3");
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ mode: "random", seed: 3, complete: true });
    expect((all.body.order as number[]).length).toBe(6000);
    expect(
      await call("/api/labels", { method: "POST", headers: json, body: '{"item_id":"item-010","label":3}' }),
    ).toMatchObject({
      status: 200,
      body: { labelled: 1 },
    });
  });
});
