/**
 * The judge's HTTP client loads TLS on first use (util/http-request.ts): an https base URL must
 * still go through TLS, and refuse a certificate nobody vouches for rather than fall back.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepAliveAgents, sendRequest } from "../../src/util/http-request.js";

const tls = join(import.meta.dirname, "../fixtures/tls");
let server: ReturnType<typeof createServer>;
let url: URL;
let served = 0;

beforeAll(async () => {
  server = createServer(
    { key: readFileSync(join(tls, "key.pem")), cert: readFileSync(join(tls, "cert.pem")) },
    (_req, res) => {
      served++;
      res.end("{}");
    },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`);
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("an https judge", () => {
  it("is reached over TLS, and a self-signed certificate is refused before anything is sent", async () => {
    const err = await sendRequest(keepAliveAgents(), url, { method: "POST", headers: {}, body: "{}" }).then(
      () => null,
      (e: unknown) => e as { cause?: { code?: string } },
    );
    expect(err).not.toBeNull();
    expect(String(err?.cause?.code ?? err)).toMatch(/SELF_SIGNED|CERT/);
    expect(served).toBe(0);
  });
});
