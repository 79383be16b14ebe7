/**
 * `rulers serve`: locked bundles over HTTP (Fastify), for RL trainers and anyone else who wants
 * rewards whose every number names the bundle that produced it. Routes: POST /v1/score (rows →
 * run records), POST /v1/reward (items → rewards), POST /get_reward (OpenRLHF), GET /v1/bundles,
 * GET /healthz, GET /metrics. Every error is `{error: {code, message, …}}` with a stable code.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { z } from "zod";
import type { JudgeSettings } from "../execute/index.js";
import type { Budget } from "../judge/budget.js";
import type { Cache } from "../judge/cache.js";
import type { JudgeClient } from "../judge/client.js";
import { bearerCheck } from "./auth.js";
import { lookupBundle, type Served, type ServedBundle } from "./bundles.js";
import { ServeError } from "./errors.js";
import { createMetrics } from "./metrics.js";
import { type OpenRlhfMapping, openRlhfRows } from "./openrlhf.js";
import { calibrated, rewardOf, rewardRange, type ScoreKind } from "./reward.js";
import { type ItemOutcome, judgeDown, judgeRows, type Row, type RowsContext, rowsOf } from "./rows.js";
import { Scheduler } from "./scheduler.js";

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly served: Served;
  readonly client: JudgeClient;
  readonly cache: Cache;
  /** How each served bundle is judged, by `id@version` (`serveSetup` makes them as `rulers judge` does). */
  readonly settings: ReadonlyMap<string, JudgeSettings>;
  /** The `--max-cost` cap the client enforces, for /healthz and /metrics. */
  readonly budget?: Budget;
  /** Required off loopback (the CLI enforces it). */
  readonly token?: string;
  /** Judge calls in flight at once. */
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly batchWindowMs: number;
  readonly maxBatch: number;
  readonly maxBodyBytes: number;
  readonly maxItems: number;
  readonly deadlineMs: number;
  /** The reward of an item that could not be judged; unset, such a request fails (`items_failed`). */
  readonly failedReward?: number;
  readonly normalize: boolean;
  readonly openrlhf?: OpenRlhfMapping;
  /** How long a shutdown waits for in-flight requests before cutting connections. */
  readonly shutdownGraceMs: number;
}

export interface RewardServer {
  /** `http://host:port` */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Stop accepting requests, finish the ones in flight, then release the cache. */
  close(): Promise<void>;
}

const Common = {
  bundle: z.string().min(1),
  bundle_hash: z.string().optional(),
  deadline_ms: z.number().int().positive().optional(),
};
const ScoreBody = z.strictObject({ ...Common, rows: z.unknown() });
const RewardBody = z.strictObject({
  ...Common,
  items: z.unknown(),
  details: z.boolean().optional(),
  score: z.enum(["raw", "calibrated"]).optional(),
  normalize: z.boolean().optional(),
  failed_reward: z.number().finite().optional(),
});

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new ServeError("invalid_request", "the body must be a JSON object");
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  // Unknown fields first: `itemz` is more useful to hear about than the `items` it left missing.
  const issues = [...r.error.issues].sort(
    (a, b) => Number(b.code === "unrecognized_keys") - Number(a.code === "unrecognized_keys"),
  );
  const say = (i: (typeof issues)[number]) => {
    const field = i.path.join(".");
    if (i.code === "unrecognized_keys")
      return `unknown field${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `\`${k}\``).join(", ")}`;
    if (i.code === "invalid_type" && i.input === undefined) return `\`${field}\` is required`;
    return `${field ? `\`${field}\`: ` : ""}${i.message.toLowerCase()}`;
  };
  const first = issues[0]!;
  throw new ServeError("invalid_request", issues.slice(0, 3).map(say).join("; "), {
    ...(first.path.length ? { field: first.path.join(".") } : {}),
  });
}

function sendError(reply: FastifyReply, err: ServeError): FastifyReply {
  if (err.retryAfter !== undefined) reply.header("retry-after", String(err.retryAfter));
  if (err.code === "unauthorized") reply.header("www-authenticate", 'Bearer realm="rulers"');
  return reply.code(err.status).type("application/json").send(err.toJSON());
}

/** Fastify's own errors (parsing, limits) in the server's codes. */
function asServeError(err: unknown, maxBodyBytes: number): ServeError {
  if (err instanceof ServeError) return err;
  const code = (err as { code?: string }).code;
  if (code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return new ServeError("body_too_large", `the body is over the limit of ${maxBodyBytes} bytes; split the request`, {
      limit: maxBodyBytes,
    });
  if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
    return new ServeError("unsupported_media_type", "send the body as JSON with `Content-Type: application/json`");
  if (code === "FST_ERR_CTP_EMPTY_JSON_BODY" || code === "FST_ERR_CTP_INVALID_JSON_BODY" || err instanceof SyntaxError)
    return new ServeError("invalid_json", `the body is not valid JSON (${(err as Error).message})`);
  if (code === "FST_ERR_CTP_INVALID_CONTENT_LENGTH")
    return new ServeError("invalid_request", "the Content-Length does not match the body");
  return new ServeError("internal", "the server failed on this request; it is logged and the server keeps serving");
}

export async function startServer(opts: ServeOptions): Promise<RewardServer> {
  let scheduler: Scheduler<ItemOutcome>;
  const metrics = createMetrics({
    queueDepth: () => scheduler.depth,
    deduplicated: () => scheduler.deduplicated,
    budget: opts.budget,
  });
  scheduler = new Scheduler<ItemOutcome>({
    // One item in progress per call slot. Twice as many (as `rulers judge` has) saved a prompt's
    // build (~0.1 ms) per call but hid the queue: items waited for a call slot inside the judging
    // path, where the `lane_wait` stage that tells an operator to raise --concurrency missed it.
    lanes: opts.concurrency,
    maxQueue: opts.maxQueue,
    windowMs: opts.batchWindowMs,
    maxBatch: opts.maxBatch,
    onBatch: (n) => metrics.batch(n),
    onStart: (batchWait, laneWait) => {
      metrics.stage("batch_wait", batchWait);
      metrics.stage("lane_wait", laneWait);
    },
  });
  for (const ref of opts.served.bundles.keys())
    if (!opts.settings.has(ref)) throw new Error(`no judge settings for the served bundle ${ref}`);
  const models = [...opts.settings.values()][0]?.models ?? [];
  const ctx: RowsContext = {
    client: opts.client,
    cache: opts.cache,
    settings: opts.settings,
    scheduler,
    metrics,
  };
  const authorize = bearerCheck(opts.token);
  /** When a judging request's items were all done (`reply.elapsedTime`), for the `respond` stage. */
  const judgedAt = new WeakMap<FastifyReply, number>();
  /** The `receive` stage ends as the handler starts; returns that moment for `admit`. */
  const received = (reply: FastifyReply): number => {
    metrics.stage("receive", reply.elapsedTime);
    return performance.now();
  };

  let closing = false;

  const app = Fastify({ bodyLimit: opts.maxBodyBytes, logger: false, return503OnClosing: false });
  // Bodies are JSON only: a text body would reach the handlers as a string and fail later, less clearly.
  app.removeContentTypeParser("text/plain");

  app.addHook("onRequest", async (req, reply) => {
    metrics.inFlight.inc();
    if (closing) {
      reply.header("connection", "close");
      return sendError(
        reply,
        new ServeError("shutting_down", "the server is shutting down; retry on another one", {}, 1),
      );
    }
    if (req.url !== "/healthz") authorize(req.headers.authorization);
  });
  app.addHook("onSend", async (_req, reply) => {
    if (closing) reply.header("connection", "close");
  });
  app.addHook("onResponse", async (req, reply) => {
    metrics.inFlight.dec();
    const judged = judgedAt.get(reply);
    if (judged !== undefined) metrics.stage("respond", reply.elapsedTime - judged);
    metrics.request(req.routeOptions.url ?? "unmatched", reply.statusCode, reply.elapsedTime / 1000);
  });
  app.setErrorHandler((err, _req, reply) => {
    const e = asServeError(err, opts.maxBodyBytes);
    if (e.code === "internal") process.stderr.write(`rulers serve: ${(err as Error)?.stack ?? String(err)}\n`);
    return sendError(reply, e);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      new ServeError(
        "not_found",
        `no route \`${req.method} ${req.url.split("?")[0]}\`; see GET /v1/bundles and docs/serve.md`,
      ),
    ),
  );

  /** A request's deadline, and a signal that fires if its client goes away first. */
  const requestLimits = (reply: FastifyReply, asked?: number) => {
    const gone = new AbortController();
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    return { deadlineMs: Math.min(asked ?? opts.deadlineMs, opts.deadlineMs), gone: gone.signal };
  };

  /** A request's rows through the scheduler, within its limits; `since` is from `received`. */
  const judge = async (
    sb: ServedBundle,
    rows: Row[],
    field: string,
    reply: FastifyReply,
    since: number,
    asked: number | undefined,
  ) => {
    const { deadlineMs, gone } = requestLimits(reply, asked);
    const outcomes = await judgeRows(ctx, sb, rows, field, deadlineMs, gone, since);
    judgedAt.set(reply, reply.elapsedTime);
    return outcomes;
  };

  const rewards = async (
    sb: ServedBundle,
    rows: Row[],
    field: string,
    reply: FastifyReply,
    since: number,
    p: {
      score?: ScoreKind | undefined;
      normalize?: boolean | undefined;
      failed_reward?: number | undefined;
      deadline_ms?: number | undefined;
    },
  ) => {
    const kind: ScoreKind = p.score ?? (sb.calibrator ? "calibrated" : "raw");
    if (kind === "calibrated" && !sb.calibrator)
      throw new ServeError(
        "no_calibrator",
        `no calibrator is loaded for \`${sb.ref}\`; start the server with --calibrator, or ask for \`"score": "raw"\``,
      );
    const floor = p.failed_reward ?? opts.failedReward;
    const normalize = p.normalize ?? opts.normalize;
    const outcomes = await judge(sb, rows, field, reply, since, p.deadline_ms);
    const down = judgeDown(outcomes);
    if (down) throw down;
    const range = normalize ? rewardRange(sb, kind) : null;
    const records: Record<string, unknown>[] = [];
    const values: number[] = [];
    const failed: { index: number; id: string; reason: string; message: string }[] = [];
    outcomes.forEach((o, index) => {
      let record = o.record;
      let problem: string | undefined;
      if (sb.calibrator) ({ record, problem } = calibrated(sb.calibrator, record));
      records.push(record);
      const r =
        o.failure !== undefined
          ? { problem: o.failure.message, reason: o.failure.reason }
          : problem !== undefined && kind === "calibrated"
            ? { problem, reason: "calibrator_incompatible" }
            : rewardOf(record, kind, range);
      if ("reward" in r) values.push(r.reward);
      else {
        failed.push({ index, id: rows[index]!.id, reason: "reason" in r ? r.reason : "no_score", message: r.problem });
        values.push(floor ?? Number.NaN);
      }
    });
    if (failed.length && floor === undefined)
      throw new ServeError(
        "items_failed",
        `${failed.length} of ${rows.length} items could not be judged and no floor is set, so no rewards are given; set \`failed_reward\` (or start the server with --failed-reward) to floor them`,
        { failed: failed.slice(0, 100) },
      );
    return {
      bundle: sb.ref,
      bundle_hash: sb.bundle.hash,
      score: kind,
      ...(kind === "calibrated" ? { calibrator: sb.calibrator!.hash } : {}),
      normalized: normalize,
      rewards: values,
      ...(failed.length ? { failed, failed_reward: floor } : {}),
      records,
    };
  };

  app.get("/healthz", async (_req, reply) => {
    const body = {
      status: closing ? "draining" : "ok",
      bundles: [...opts.served.bundles.values()].map((b) => ({ bundle: b.ref, bundle_hash: b.bundle.hash })),
      queue_depth: scheduler.depth,
      judging: scheduler.inFlight,
      ...(opts.budget ? { budget: { max_cost_usd: opts.budget.capUsd, spent_usd: opts.budget.spent } } : {}),
    };
    return reply.code(closing ? 503 : 200).send(body);
  });

  app.get("/metrics", async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  app.get("/v1/bundles", async () => ({
    bundles: [...opts.served.bundles.values()].map((b) => {
      const ir = b.bundle.body.rubric;
      return {
        bundle: b.ref,
        bundle_hash: b.bundle.hash,
        title: ir.title,
        mode: ir.mode.kind,
        inputs: ir.inputs.map((i) => i.name),
        scale: ir.scale,
        calibrator: b.calibrator ? { hash: b.calibrator.hash, human_scale: b.calibrator.body.human_scale } : null,
        openrlhf: opts.openrlhf?.bundle === b.ref ? opts.openrlhf : null,
      };
    }),
    models,
    failed_reward: opts.failedReward ?? null,
    normalize: opts.normalize,
  }));

  app.post("/v1/score", async (req, reply) => {
    const since = received(reply);
    const body = parseBody(ScoreBody, req.body);
    const sb = lookupBundle(opts.served, body.bundle, body.bundle_hash);
    const rows = rowsOf(body.rows, "rows", opts.maxItems);
    const seen = new Map<string, number>();
    rows.forEach((r, i) => {
      if (seen.has(r.id))
        throw new ServeError(
          "invalid_rows",
          `rows[${i}]: item id \`${r.id}\` already used by rows[${seen.get(r.id)}]; ids must be unique in a run`,
          { field: "rows", problems: [{ index: i, id: r.id, message: "duplicate id" }] },
        );
      seen.set(r.id, i);
    });
    const outcomes = await judge(sb, rows, "rows", reply, since, body.deadline_ms);
    const down = judgeDown(outcomes);
    if (down) throw down;
    const warnings: string[] = [];
    const records = outcomes.map((o) => {
      if (!sb.calibrator) return o.record;
      const c = calibrated(sb.calibrator, o.record);
      if (c.problem) warnings.push(`not calibrating \`${String(o.record.item_id)}\`: ${c.problem}`);
      return c.record;
    });
    return { bundle: sb.ref, bundle_hash: sb.bundle.hash, records, ...(warnings.length ? { warnings } : {}) };
  });

  app.post("/v1/reward", async (req, reply) => {
    const since = received(reply);
    const body = parseBody(RewardBody, req.body);
    const sb = lookupBundle(opts.served, body.bundle, body.bundle_hash);
    const rows = rowsOf(body.items, "items", opts.maxItems);
    const { records, ...out } = await rewards(sb, rows, "items", reply, since, body);
    return body.details ? { ...out, details: records } : out;
  });

  app.post("/get_reward", async (req, reply) => {
    const since = received(reply);
    const m = opts.openrlhf;
    if (!m)
      throw new ServeError(
        "bundle_not_served",
        "this server serves several bundles; start it with --openrlhf-bundle <id@version> to use /get_reward",
      );
    const sb = lookupBundle(opts.served, m.bundle);
    const list = openRlhfRows(m, req.body);
    const rows = rowsOf(list, "query", opts.maxItems);
    const out = await rewards(sb, rows, "query", reply, since, {});
    const raw = out.records.map((r) => (typeof r.raw_score === "number" ? r.raw_score : null));
    return {
      rewards: out.rewards,
      scores: out.rewards,
      extra_logs: { raw_score: raw.map((x) => x ?? Number.NaN) },
      bundle_hash: out.bundle_hash,
      ...(out.failed ? { failed: out.failed } : {}),
    };
  });

  // A known path with the wrong method is a 405, not a 404.
  const routes: [string, "GET" | "POST"][] = [
    ["/healthz", "GET"],
    ["/metrics", "GET"],
    ["/v1/bundles", "GET"],
    ["/v1/score", "POST"],
    ["/v1/reward", "POST"],
    ["/get_reward", "POST"],
  ];
  for (const [url, allowed] of routes) {
    const others = (["GET", "POST", "PUT", "PATCH", "DELETE"] as const).filter((m) => m !== allowed);
    app.route({
      method: [...others],
      url,
      handler: (req, reply) =>
        sendError(
          reply.header("allow", allowed),
          new ServeError("method_not_allowed", `\`${url}\` takes ${allowed}, not ${req.method}`),
        ),
    });
  }

  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;

  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    app,
    close() {
      closed ??= (async () => {
        closing = true;
        const force = setTimeout(() => app.server.closeAllConnections(), opts.shutdownGraceMs);
        try {
          await app.close();
          await scheduler.idle();
        } finally {
          clearTimeout(force);
          opts.cache.close();
        }
      })();
      return closed;
    },
  };
}
