/**
 * The review app's HTTP side: loopback only, a random port, and a token in the URL that every
 * request must carry — another local user or a web page cannot read the items or write labels.
 * The Host header must be the loopback address, which stops DNS rebinding.
 *
 * Plain node:http rather than Fastify (which `rulers serve` uses): five routes do not need a
 * framework, and loading one cost about 40% of the CPU the app spends before its first item.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { z } from "zod";
import { reviewPage } from "./page.js";
import { SAMPLE_MODES, type SampleMode } from "./sampling.js";
import { ReviewError, type ReviewSession } from "./session.js";

export interface ReviewServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const LabelBody = z.object({
  item_id: z.string().min(1),
  label: z.union([z.number(), z.string(), z.null()]),
  criteria: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  comment: z.string().max(10_000).optional(),
});

const BODY_LIMIT = 1_000_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (b: Buffer) => {
      size += b.length;
      if (size <= BODY_LIMIT) return void parts.push(b);
      // stop keeping the body but read it to the end, so the client gets the answer
      req.off("data", onData);
      req.resume();
      reject(new HttpError(413, `a label is at most ${BODY_LIMIT} bytes`));
    };
    req.on("data", onData);
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString("utf8")));
      } catch {
        reject(new HttpError(400, "not a label: the body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}

export async function startReviewServer(
  session: ReviewSession,
  opts: { port?: number; token?: string; onError?: (message: string) => void } = {},
): Promise<ReviewServer> {
  const token = opts.token ?? randomBytes(18).toString("base64url");
  const expected = Buffer.from(token);
  let origin = "";

  const fail = (err: unknown, status = 400) => {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof ReviewError) || status >= 500) opts.onError?.(message);
    return { status, body: { error: message } };
  };

  const page = (res: ServerResponse) => {
    const nonce = randomBytes(16).toString("base64");
    const html = reviewPage(nonce);
    res.writeHead(200, {
      "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
      "content-type": "text/html; charset=utf-8",
      "content-length": Buffer.byteLength(html),
    });
    res.end(html);
  };

  const saveLabel = async (req: IncomingMessage) => {
    if (!/^application\/json\b/i.test(req.headers["content-type"] ?? ""))
      throw new HttpError(415, "send the label as application/json");
    const parsed = LabelBody.safeParse(await readJson(req));
    if (!parsed.success)
      throw new HttpError(
        400,
        `not a label: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    const b = parsed.data;
    try {
      return session.save({
        item_id: b.item_id,
        label: b.label,
        ...(b.criteria ? { criteria: b.criteria } : {}),
        ...(b.comment !== undefined ? { comment: b.comment } : {}),
      });
    } catch (err) {
      // A rejected label is the reviewer's to fix (400); an index still running or stopped by a
      // mismatch (already on the console) is a conflict (409); a write that failed is the machine's (500).
      const m = (err as Error).message;
      const status = /outside the scale|not a number|not A, B or tie|not in this run/.test(m)
        ? 400
        : session.failure || /not indexed yet/.test(m)
          ? 409
          : 500;
      const f = fail(err, status);
      throw new HttpError(f.status, f.body.error);
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const get = req.method === "GET" || req.method === "HEAD";
    if (url.pathname === "/" && get) return page(res);
    if (url.pathname === "/api/meta" && get) return send(res, 200, session.meta());
    if (url.pathname === "/api/order" && get) {
      const mode = (url.searchParams.get("mode") ?? "run") as SampleMode;
      if (!SAMPLE_MODES.includes(mode))
        throw new HttpError(400, `unknown mode \`${mode}\`; use one of ${SAMPLE_MODES.join(", ")}`);
      const seed = Number(url.searchParams.get("seed") ?? 1);
      try {
        const order = session.order(mode, Number.isFinite(seed) ? seed : 1);
        return send(res, 200, { mode, seed, order, complete: session.indexed });
      } catch (err) {
        const f = fail(err, 409); // an order that waits for the index
        throw new HttpError(f.status, f.body.error);
      }
    }
    const item = /^\/api\/items\/([^/]+)$/.exec(url.pathname);
    if (item && get) {
      try {
        return send(res, 200, await session.itemWhenReady(Number(item[1])));
      } catch (err) {
        const f = fail(err, 404);
        throw new HttpError(f.status, f.body.error);
      }
    }
    if (url.pathname === "/api/labels" && req.method === "POST") return send(res, 200, await saveLabel(req));
    throw new HttpError(404, `no such page: ${req.method} ${url.pathname}`);
  };

  const server = createServer((req, res) => {
    const host = req.headers.host ?? "";
    if (
      origin &&
      host !== origin.replace(/^http:\/\//, "") &&
      host !== origin.replace(/^http:\/\/127\.0\.0\.1/, "localhost")
    )
      return send(res, 421, { error: `unexpected Host \`${host}\`` });
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const given = (req.headers["x-review-token"] as string | undefined) ?? url.searchParams.get("token") ?? "";
    const b = Buffer.from(String(given));
    if (b.length !== expected.length || !timingSafeEqual(b, expected))
      return send(res, 403, { error: "missing or wrong token: open the URL `rulers review` printed" });
    route(req, res, url).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof HttpError) return send(res, err.status, { error: err.message });
      const f = fail(err, 500);
      send(res, f.status, f.body);
    });
  });
  // a browser keeps idle connections open; close() must not wait for them
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  origin = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : opts.port}`;
  const url = `${origin}/?token=${token}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
