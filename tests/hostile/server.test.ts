/**
 * Issue 13 items 5, 8 and 9 (summary): hostile or broken servers cannot exhaust memory or stall
 * a run, credentials in --base-url never reach messages or records, and the summary counts every
 * HTTP attempt.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { complete, createJudgeClient, JudgeCallError } from "../../src/judge/client.js";
import { keepAliveFetch, ResponseTooLargeError } from "../../src/judge/keepalive-fetch.js";
import { redactUrl, redactUrls } from "../../src/util/redact.js";
import { runCli } from "../helpers/cli.js";
import { type FakeServer, sequence, startFakeOpenAI } from "../helpers/fake-openai.js";
import { judgeArgv } from "../helpers/judge-cli.js";

const dir = mkdtempSync(join(tmpdir(), "rulers-hostile-server-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let raw: Server | null = null;
let fake: FakeServer | null = null;
afterEach(async () => {
  if (raw) await new Promise((r) => raw!.close(r));
  raw?.closeAllConnections();
  raw = null;
  await fake?.close();
  fake = null;
});

/** A server that answers every request with `send`; returns its base URL. */
async function serve(send: Parameters<typeof createServer>[1]): Promise<string> {
  raw = createServer(send);
  await new Promise<void>((r) => raw!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`;
}

const request = {
  model: "m",
  messages: [{ role: "user" as const, content: "hi" }],
  temperature: 0,

  response_format: { type: "json_object" as const },
};

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a failure");
}

describe("response bodies are capped", () => {
  it("stops reading an endless body at the cap", async () => {
    let sent = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && sent < 1024 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed && sent < 1024 * 1024 * 1024) res.once("drain", pump);
      };
      pump();
    });
    const err = await failure(keepAliveFetch({ maxBodyBytes: 1024 * 1024 })(`${url}/x`));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect((err as ResponseTooLargeError).compressed).toBe(false);
    expect(sent).toBeLessThan(512 * 1024 * 1024);
  });

  it("refuses a declared Content-Length over the cap before reading", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-length": String(2 * 1024 * 1024) });
      res.write("{");
    });
    expect(await failure(keepAliveFetch({ maxBodyBytes: 1024 * 1024 })(`${url}/x`))).toBeInstanceOf(
      ResponseTooLargeError,
    );
  });

  it("stops a gzip bomb by its decompressed size, with a clear error through the client", async () => {
    const bomb = gzipSync(Buffer.alloc(33 * 1024 * 1024, 0x20), { level: 1 });
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(bomb);
    });
    const direct = await failure(keepAliveFetch({ maxBodyBytes: 1024 * 1024 })(`${url}/x`));
    expect((direct as ResponseTooLargeError).compressed).toBe(true);
    const client = createJudgeClient({ baseURL: url, apiKey: "k", timeoutMs: 10_000, maxRetries: 0 });
    const err = await failure(complete(client, request));
    expect(err).toBeInstanceOf(JudgeCallError);
    expect(err.message).toMatch(/answer is over 32 MB once decompressed/);
    expect((err as JudgeCallError).retryable).toBe(false);
  });
});

describe("Retry-After is capped and reported", () => {
  it("fails at once, saying how long the server asked to wait, instead of sleeping an hour", async () => {
    fake = await startFakeOpenAI(sequence({ status: 429, retryAfter: 3600 }));
    const client = createJudgeClient({ baseURL: fake.baseURL, apiKey: "k", timeoutMs: 5000, maxRetries: 4 });
    const err = await failure(complete(client, request));
    expect(err.message).toMatch(/asked to wait 3600 s, longer than the 60 s rulers waits/);
    expect(fake.requests).toHaveLength(1);
  });

  it("still honours a short Retry-After", async () => {
    fake = await startFakeOpenAI(sequence({ status: 429, retryAfter: 0.01 }, { json: { ok: true } }));
    const client = createJudgeClient({ baseURL: fake.baseURL, apiKey: "k", timeoutMs: 5000, maxRetries: 2 });
    const c = await complete(client, request);
    expect(c.attempts).toBe(2);
  });
});

describe("credentials in --base-url", () => {
  it("redacts user info and secret query values", () => {
    expect(redactUrl("https://bob:hunter2@api.example.com/v1?api-key=abc&x=1")).toBe(
      "https://***@api.example.com/v1?api-key=***&x=1",
    );
    expect(redactUrl("http://host/v1")).toBe("http://host/v1");
    expect(redactUrls("cannot reach http://u:p@h:1/v1?key=zz (refused)")).toBe(
      "cannot reach http://***@h:1/v1?key=*** (refused)",
    );
  });

  it("never puts them in call errors, stderr or records", async () => {
    fake = await startFakeOpenAI(sequence({ status: 500, retryAfterMs: 1 }));
    const port = new URL(fake.baseURL).port;
    // A query string in a base URL would not reach the endpoint; user info would.
    const secretUrl = `http://bob:hunter2@127.0.0.1:${port}/v1`;
    const client = createJudgeClient({ baseURL: secretUrl, apiKey: "k", timeoutMs: 5000, maxRetries: 0 });
    const err = await failure(complete(client, request));
    expect(err.message).toMatch(/127\.0\.0\.1/);
    expect(err.message).not.toMatch(/hunter2|topsecret/);

    const out = join(dir, "run.jsonl");
    const rows = join(dir, "rows.jsonl");
    writeFileSync(rows, `${JSON.stringify({ id: "a", conversation: "user: hi", response: "hello" })}\n`);
    const target = { bundle: "bundles/health.answer-quality/1.0.0/bundle.json", input: rows };
    const r = await runCli(judgeArgv({ ...target, out, baseURL: secretUrl }, ["--max-retries", "1", "--samples", "1"]));
    const everything = r.stdout + r.stderr + readFileSync(out, "utf8");
    expect(everything).toMatch(/failed/);
    expect(everything).not.toMatch(/hunter2|topsecret/);

    const refused = await runCli(
      judgeArgv(
        {
          ...target,
          out: join(dir, "refused.jsonl"),
          baseURL: "http://bob:hunter2@127.0.0.1:1/v1?key=topsecret",
        },
        ["--max-retries", "0"],
      ),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot reach http:\/\/\*\*\*@127\.0\.0\.1:1\/v1\?key=\*\*\*/);
    expect(refused.stderr).not.toMatch(/hunter2|topsecret/);
  });
});

describe("the run summary", () => {
  it("counts the attempts of calls that failed", async () => {
    fake = await startFakeOpenAI(sequence({ status: 500, retryAfterMs: 1 }));
    const rows = join(dir, "rows2.jsonl");
    writeFileSync(rows, `${JSON.stringify({ id: "a", conversation: "user: hi", response: "hello" })}\n`);
    const r = await runCli(
      judgeArgv(
        {
          bundle: "bundles/health.answer-quality/1.0.0/bundle.json",
          input: rows,
          out: join(dir, "run2.jsonl"),
          baseURL: fake.baseURL,
        },
        ["--max-retries", "2", "--samples", "1", "--json"],
      ),
    );
    const summary = JSON.parse(r.stdout);
    expect(fake.requests.length).toBe(3);
    expect(summary.calls + summary.retries).toBe(fake.requests.length);
    expect(summary.retries).toBe(2);
  });
});
