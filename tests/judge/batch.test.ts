import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { type FakeServer, startFakeOpenAI } from "../helpers/fake-openai.js";
import { batchArgv, judgeArgv, readJsonl } from "../helpers/judge-cli.js";
import { answerFor } from "../helpers/scripted-judge.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-batch-"));
const BUNDLE = "bundles/chat.helpfulness-pairwise/1.0.0/bundle.json";
const ROWS = "examples/pairwise-helpfulness.jsonl";
const decide = (_id: string, _v: readonly (string | number)[], inputs: Record<string, string>) =>
  inputs.response_a!.length >= inputs.response_b!.length ? "A" : "B";
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI((r) => ({ json: answerFor(r.body, { decide }) }));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = readJsonl;
const stable = (r: Record<string, unknown>) => JSON.stringify({ ...r, latency_ms: 0 });

describe("batch files", () => {
  it("prepare → provider answers (shuffled, some failed, some invalid) → ingest equals a direct run", async () => {
    const direct = join(dir, "direct.jsonl");
    expect(
      (
        await runCli(
          judgeArgv({ bundle: BUNDLE, input: ROWS, out: direct, model: "judge-x", baseURL: server.baseURL }, [
            "--cache",
            join(dir, "direct.cache"),
          ]),
        )
      ).code,
    ).toBe(0);
    const sent = server.requests.map((r) => JSON.stringify(r.body));
    const answered = server.requests.length;

    const requests = join(dir, "requests.jsonl");
    expect(
      (await runCli(batchArgv("prepare", { bundle: BUNDLE, input: ROWS, out: requests, model: "judge-x" }))).code,
    ).toBe(0);
    const prepared = lines(requests);
    expect(prepared).toHaveLength(30); // 15 pairs × 2 orders
    expect(prepared[0]).toMatchObject({
      method: "POST",
      url: "/v1/chat/completions",
      custom_id: expect.stringMatching(/^rulers:mtbench-81:judge-x:s0:(AB|BA)$/),
    });
    expect(prepared[0].body.response_format.json_schema.strict).toBe(true);
    // exactly the requests `rulers judge` sent
    expect(prepared.map((p) => JSON.stringify(p.body)).sort()).toEqual([...sent].sort());

    // The provider's output: shuffled; one request failed, one answer invalid.
    // The same scripted judge answers each request (over HTTP, as a batch worker would).
    const out = await Promise.all(
      prepared.map(async (p, i) => {
        if (i === 3)
          return {
            id: `b${i}`,
            custom_id: p.custom_id,
            response: null,
            error: { code: "server_error", message: "boom" },
          };
        const body = (await (
          await fetch(`${server.baseURL}/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(p.body),
          })
        ).json()) as { choices: { message: { content: string } }[] };
        if (i === 6) body.choices[0]!.message.content = "not json";
        return {
          id: `b${i}`,
          custom_id: p.custom_id,
          response: { status_code: 200, request_id: `r${i}`, body },
          error: null,
        };
      }),
    );
    out.sort(
      (a, b) =>
        ((a.id.length * 7 + a.custom_id.length) % 5) - ((b.id.length * 7 + b.custom_id.length) % 5) ||
        b.id.localeCompare(a.id),
    );
    const results = join(dir, "results.jsonl");
    writeFileSync(results, `${out.map((o) => JSON.stringify(o)).join("\n")}\n`);

    const ingested = join(dir, "ingested.jsonl");
    const cache = join(dir, "ingest.cache");
    const r = await runCli(
      batchArgv("ingest", { bundle: BUNDLE, input: ROWS, out: ingested, model: "judge-x", baseURL: server.baseURL }, [
        "--results",
        results,
        "--cache",
        cache,
      ]),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/failed: rulers:.*: boom/);
    expect(r.stderr).toMatch(/not scored: .*not valid JSON/);
    const a = lines(direct);
    const b = lines(ingested);
    const bad = new Set([prepared[3].custom_id.split(":")[1], prepared[6].custom_id.split(":")[1]]);
    a.forEach((rec, i) => {
      if (bad.has(rec.item_id)) expect(b[i].error).toBeDefined();
      else expect(stable(b[i])).toBe(stable(rec));
    });

    // Without --model and --base-url: the model comes from the results, the host is `batch`.
    const bare = join(dir, "ingested-bare.jsonl");
    const r2 = await runCli(
      batchArgv("ingest", { bundle: BUNDLE, input: ROWS, out: bare, model: null }, ["--results", results]),
    );
    expect(r2.code).toBe(0);
    const c = lines(bare);
    expect(c.map((x) => x.item_id)).toEqual(b.map((x) => x.item_id));
    for (const x of c.filter((x) => x.judge)) {
      expect(x.judge.requested_model).toBe("judge-x");
      expect(x.judge.base_url_host).toBe("batch");
    }
    expect(c.filter((x) => x.error === undefined)).toHaveLength(b.filter((x) => x.error === undefined).length);

    // A follow-up batch holds only the items that did not finish.
    const retry = join(dir, "retry.jsonl");
    await runCli(
      batchArgv("prepare", { bundle: BUNDLE, input: ROWS, out: retry, model: "judge-x" }, ["--retry-from", ingested]),
    );
    expect(new Set(lines(retry).map((p) => p.custom_id.split(":")[1]))).toEqual(bad);

    // The ingested answers fill the call cache: an interactive run now makes no calls.
    const before = server.requests.length;
    expect(before).toBe(answered + 29);
    const again = await runCli(
      judgeArgv(
        { bundle: BUNDLE, input: ROWS, out: join(dir, "again.jsonl"), model: "judge-x", baseURL: server.baseURL },
        ["--cache", cache, "--json"],
      ),
    );
    // 29 answers came from the batch (the invalid one too: it is what the provider answered)
    expect(JSON.parse(again.stdout).cached_calls).toBe(29);
    expect(server.requests.length - before).toBe(2); // the failed request, and the repair of the invalid answer
  });

  it("ingest gives a repeated item id one failed record, as a direct run does", async () => {
    const rows = join(dir, "dup-rows.jsonl");
    const first = readFileSync(ROWS, "utf8").split("\n")[0];
    writeFileSync(rows, `${first}\n${first}\n`);
    const requests = join(dir, "dup-requests.jsonl");
    expect(
      (await runCli(batchArgv("prepare", { bundle: BUNDLE, input: rows, out: requests, model: "judge-x" }))).code,
    ).toBe(0);
    const results = join(dir, "dup-results.jsonl");
    writeFileSync(
      results,
      `${lines(requests)
        .map((p) =>
          JSON.stringify({
            custom_id: p.custom_id,
            response: {
              status_code: 200,
              body: {
                model: "judge-x",
                choices: [
                  { message: { content: JSON.stringify(answerFor(p.body, { decide })) }, finish_reason: "stop" },
                ],
              },
            },
            error: null,
          }),
        )
        .join("\n")}\n`,
    );
    const out = join(dir, "dup-ingested.jsonl");
    await runCli(batchArgv("ingest", { bundle: BUNDLE, input: rows, out, model: "judge-x" }, ["--results", results]));
    const recs = lines(out);
    expect(recs).toHaveLength(2);
    expect(recs[0].error).toBeUndefined();
    expect(typeof recs[0].raw_score).toBe("number");
    expect(recs[1].error).toMatch(/^row 2: item id `mtbench-81` already used on row 1; ids must be unique$/);
    expect(new Set(recs.map((r) => r.item_id)).size).toBe(2);
  });

  it("splits into numbered parts over the line limit", async () => {
    const out = join(dir, "parts.jsonl");
    const r = await runCli(batchArgv("prepare", { bundle: BUNDLE, input: ROWS, out }, ["--max-lines", "8"]));
    expect(r.code).toBe(0);
    expect(r.stdout.match(/parts\.part-00\d\.jsonl \(\d+ requests/g)).toHaveLength(4);
    expect(lines(join(dir, "parts.part-004.jsonl"))).toHaveLength(6);
  });
});

describe("sharded runs", () => {
  it("4 shards merged equal one unsharded run; a shard from another bundle is refused", async () => {
    const whole = join(dir, "whole.jsonl");
    const common = [
      "--input",
      ROWS,
      "--model",
      "judge-x",
      "--base-url",
      server.baseURL,
      "--cache",
      join(dir, "shard.cache"),
    ];
    expect((await runCli(["judge", "--bundle", BUNDLE, "--out", whole, ...common])).code).toBe(0);
    const shards = [];
    for (let i = 1; i <= 4; i++) {
      const p = join(dir, `shard-${i}.jsonl`);
      expect((await runCli(["judge", "--bundle", BUNDLE, "--out", p, "--shard", `${i}/4`, ...common])).code).toBe(0);
      shards.push(p);
    }
    expect(shards.map((p) => lines(p).length).reduce((a, b) => a + b)).toBe(15);
    const merged = join(dir, "merged.jsonl");
    const m = await runCli(["merge", ...shards, "--out", merged, "--input", ROWS]);
    expect(m.code).toBe(0);
    expect(lines(merged).map(stable)).toEqual(lines(whole).map(stable));

    const gap = await runCli(["merge", ...shards.slice(1), "--out", join(dir, "gappy.jsonl"), "--input", ROWS]);
    expect(gap.code).toBe(1);
    expect(gap.stderr).toMatch(/gap: item `.*` .* is in no shard/);

    const other = join(dir, "other.jsonl");
    await runCli([
      "judge",
      "--bundle",
      "bundles/chat.helpfulness-pairwise/1.1.0/bundle.json",
      "--out",
      other,
      "--shard",
      "1/4",
      ...common,
    ]);
    const refused = await runCli(["merge", shards[1]!, other, "--out", join(dir, "bad.jsonl")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/shards must share bundle, judge and settings/);
  });
});
