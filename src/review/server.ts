/**
 * The review app's HTTP side (Fastify): loopback only, a random port, and a token in the URL
 * that every request must carry — another local user or a web page cannot read the items or
 * write labels. The Host header must be the loopback address, which stops DNS rebinding.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { reviewPage } from "./page.js";
import { SAMPLE_MODES, type SampleMode } from "./sampling.js";
import { ReviewError, type ReviewSession } from "./session.js";

export interface ReviewServer {
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

const LabelBody = z.object({
  item_id: z.string().min(1),
  label: z.union([z.number(), z.string(), z.null()]),
  criteria: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  comment: z.string().max(10_000).optional(),
});

export async function startReviewServer(
  session: ReviewSession,
  opts: { port?: number; token?: string; onError?: (message: string) => void } = {},
): Promise<ReviewServer> {
  const token = opts.token ?? randomBytes(18).toString("base64url");
  const expected = Buffer.from(token);
  const app = Fastify({ logger: false, bodyLimit: 1_000_000 });
  let origin = "";

  app.addHook("onRequest", async (req, reply) => {
    const host = req.headers.host ?? "";
    if (
      origin &&
      host !== origin.replace(/^http:\/\//, "") &&
      host !== origin.replace(/^http:\/\/127\.0\.0\.1/, "localhost")
    )
      return reply.code(421).send({ error: `unexpected Host \`${host}\`` });
    const given =
      (req.headers["x-review-token"] as string | undefined) ?? (req.query as { token?: string }).token ?? "";
    const b = Buffer.from(String(given));
    if (b.length !== expected.length || !timingSafeEqual(b, expected))
      return reply.code(403).send({ error: "missing or wrong token: open the URL `rulers review` printed" });
  });

  const fail = (err: unknown, status = 400) => {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof ReviewError) || status >= 500) opts.onError?.(message);
    return { status, body: { error: message } };
  };

  app.get("/", async (_req, reply) => {
    const nonce = randomBytes(16).toString("base64");
    reply
      .header(
        "content-security-policy",
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .header("referrer-policy", "no-referrer")
      .header("cache-control", "no-store")
      .type("text/html; charset=utf-8");
    return reviewPage(nonce);
  });

  app.get("/api/meta", async () => session.meta());

  app.get("/api/order", async (req, reply) => {
    const q = req.query as { mode?: string; seed?: string };
    const mode = (q.mode ?? "run") as SampleMode;
    if (!SAMPLE_MODES.includes(mode))
      return reply.code(400).send({ error: `unknown mode \`${q.mode}\`; use one of ${SAMPLE_MODES.join(", ")}` });
    const seed = Number(q.seed ?? 1);
    try {
      return { mode, seed, order: session.order(mode, Number.isFinite(seed) ? seed : 1), complete: session.indexed };
    } catch (err) {
      const f = fail(err, 409); // an order that waits for the index
      return reply.code(f.status).send(f.body);
    }
  });

  app.get("/api/items/:index", async (req, reply) => {
    try {
      return await session.itemWhenReady(Number((req.params as { index: string }).index));
    } catch (err) {
      const f = fail(err, 404);
      return reply.code(f.status).send(f.body);
    }
  });

  app.post("/api/labels", async (req, reply) => {
    const parsed = LabelBody.safeParse(req.body);
    if (!parsed.success)
      return reply.code(400).send({
        error: `not a label: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      });
    const b = parsed.data;
    try {
      return session.save({
        item_id: b.item_id,
        label: b.label,
        ...(b.criteria ? { criteria: b.criteria } : {}),
        ...(b.comment !== undefined ? { comment: b.comment } : {}),
      });
    } catch (err) {
      // A rejected label is the reviewer's to fix (400); a write that failed is the machine's (500).
      // An index still running or stopped by a mismatch (already on the console) is a conflict (409).
      const m = (err as Error).message;
      const status = /outside the scale|not a number|not A, B or tie|not in this run/.test(m)
        ? 400
        : session.failure || /not indexed yet/.test(m)
          ? 409
          : 500;
      const f = fail(err, status);
      return reply.code(f.status).send(f.body);
    }
  });

  const address = await app.listen({ host: "127.0.0.1", port: opts.port ?? 0 });
  origin = address.replace("localhost", "127.0.0.1");
  const url = `${origin}/?token=${token}`;
  return { url, app, close: () => app.close() };
}
