import { describe, expect, it } from "vitest";
import { RulersClient, RulersError } from "../../clients/typescript/rulers-client.js";
import { gradedJudge, item, servedFixture, slowJudge } from "./helpers.js";

const fixture = servedFixture();

describe("the TypeScript client", () => {
  it("gets rewards, records and bundles", async () => {
    const t = await fixture.start(gradedJudge, { token: "tk" });
    const c = new RulersClient({ url: t.url, bundle: "test.reward@1.0.0", token: "tk" });
    expect(await c.rewards([item("a", "good"), item("b", "bad")])).toEqual([5, 1]);
    const served = await c.bundles();
    expect(served.map((s) => s.bundle)).toEqual(["test.other@2.0.0", "test.reward@1.0.0"]);
    const hash = served[1]!.bundle_hash;
    const records = await c.score([item("r", "good")], { bundleHash: hash });
    expect(records[0]).toMatchObject({ item_id: "r", raw_score: 5, bundle: { hash } });
    const answer = await c.reward([item("a", "good")], { normalize: true, details: true });
    expect(answer.rewards).toEqual([1]);
    expect(answer.details?.[0]?.item_id).toBe("a");
  });

  it("raises the server's error codes", async () => {
    const t = await fixture.start();
    const c = new RulersClient({ url: t.url, retries: 0 });
    const err = await c.rewards([item("a", "good")], { bundle: "test.reward@0.0.1" }).catch((e) => e);
    expect(err).toBeInstanceOf(RulersError);
    expect([err.code, err.status]).toEqual(["bundle_not_locked", 404]);
    await expect(c.rewards([item("a", "good")])).rejects.toThrow(/say which bundle/);
    const down = new RulersClient({ url: "http://127.0.0.1:9", bundle: "x@1", retries: 0 });
    await expect(down.rewards([item("a", "good")])).rejects.toMatchObject({ code: "unreachable" });
  });

  it("waits out a full queue as Retry-After says, then gets its rewards", async () => {
    const t = await fixture.start(slowJudge(300), { maxQueue: 2, maxItems: 2 });
    const c = new RulersClient({ url: t.url, bundle: "test.reward@1.0.0" });
    const first = c.rewards([item("a", "good 1"), item("b", "good 2")]);
    while (t.judge.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const direct = await t.post("/v1/reward", { bundle: "test.reward@1.0.0", items: [item("c", "bad")] });
    expect(direct.json.error.code).toBe("queue_full");
    expect(await c.rewards([item("c", "bad")])).toEqual([1]);
    expect(await first).toEqual([5, 5]);
  });
});
