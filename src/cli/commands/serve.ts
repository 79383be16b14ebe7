import { judgeClientFor } from "../../api/judge-setup.js";
import {
  ConfigError,
  isLoopback,
  loadServed,
  type OpenRlhfMapping,
  openRlhfMapping,
  type RewardServer,
  type Served,
  serveCache,
  serveSetup,
  startServer,
} from "../../serve/index.js";
import { errnoOf } from "../../util/errors.js";
import { CliError, numberFlag, parseFlags, writeErr, writeOut } from "../io.js";
import { budgetFlag, PROVIDER_HELP, PROVIDER_OPTIONS, warnUnpriced } from "../judge-options.js";
import type { Command } from "../main.js";

/**
 * Calls in flight. A server needs items/s × judge latency on average (800/s at 50 ms: 40) and
 * room above it, or a judge that slows for a moment turns into a queue that grows for as long as
 * it stays slow: at 64 the benchmark's judge, slowed to 100 ms by a busy machine, made a 0.8 s
 * queue wait per item. 128 covers the benchmark's rate up to a 160 ms judge; a hosted judge with
 * seconds of latency needs more, and its rate limit decides how much more.
 */
const DEFAULT_CONCURRENCY = 128;

const HELP = `usage: rulers serve --lock rulers.lock --model M [--bundle <bundle.json | id@version>]… [options]

Serves locked bundles as a reward server (docs/serve.md): POST /v1/score, POST /v1/reward,
POST /get_reward (OpenRLHF), GET /v1/bundles, GET /healthz, GET /metrics.

  --bundle REF          a bundle to serve (repeat); default: every bundle the lock pins
  --lock FILE           the lock every served bundle must match (default rulers.lock)
  --model NAME          judge model (repeat for a panel)
  --base-url URL        the provider's endpoint, or any OpenAI-compatible server (default: $OPENAI_BASE_URL, else the provider's)
  --api-key-env VAR     read the API key from $VAR (default: OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY)
${PROVIDER_HELP}
  --max-cost USD        start no judge call that would take this server's projected spend past USD; past it,
                        requests that need a call get 402 budget_exhausted (cached items are still answered)
  --host ADDR           address to bind (default 127.0.0.1); off loopback a token is required
  --port N              port (default 8808; 0 picks a free one)
  --token-env VAR       require \`Authorization: Bearer $VAR\` (default: $RULERS_SERVE_TOKEN if set)
  --calibrator FILE     apply this calibrator to its bundle's scores (repeat, one per bundle)
  --failed-reward X     reward of an item that could not be judged; unset, such a request fails
  --normalize           rewards in 0..1 over the scale (a request may override)
  --concurrency N       judge calls in flight (default 128; size it as items/s × judge latency × 2)
  --max-queue N         distinct items waiting or being judged before 429 (default 4096)
  --batch-window-ms MS  gather items this long before releasing them together (default 0: one event-loop turn)
  --max-batch N         release a batch early once it has N items (default 64)
  --max-items N         rows or items per request (default 1024)
  --max-body-mb MB      request body limit (default 16)
  --deadline-s S        longest a request may take; requests may ask for less (default 120)
  --cache FILE          durable on-disk call cache (keeps every call); default: in memory, bounded
  --cache-size N        entries of the in-memory cache (default 10000)
  --samples K           judge each item K times (default: the rubric's samples)
  --max-retries N       HTTP retries per judge call (default 4)
  --timeout-s S         per-call timeout (default 120)
  --max-repairs N       repair attempts for an answer that does not validate (default 1)
  --max-input-chars N   refuse inputs longer than this (default 200000)
  --openrlhf-bundle REF the bundle /get_reward scores with (default: the only one served)
  --openrlhf-map SPEC   which inputs OpenRLHF's lists fill, e.g. prompt=question,label=reference
  --shutdown-grace-s S  on SIGTERM, wait this long for in-flight requests (default 30)`;

export const command: Command = {
  summary: "serve locked bundles as a reward server for RL trainers",
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        bundle: { type: "string", multiple: true },
        lock: { type: "string" },
        model: { type: "string", multiple: true },
        "base-url": { type: "string" },
        "api-key-env": { type: "string" },
        ...PROVIDER_OPTIONS,
        "max-cost": { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        "token-env": { type: "string" },
        calibrator: { type: "string", multiple: true },
        "failed-reward": { type: "string" },
        normalize: { type: "boolean" },
        concurrency: { type: "string" },
        "max-queue": { type: "string" },
        "batch-window-ms": { type: "string" },
        "max-batch": { type: "string" },
        "max-items": { type: "string" },
        "max-body-mb": { type: "string" },
        "deadline-s": { type: "string" },
        cache: { type: "string" },
        "cache-size": { type: "string" },
        samples: { type: "string" },
        "max-retries": { type: "string" },
        "timeout-s": { type: "string" },
        "max-repairs": { type: "string" },
        "max-input-chars": { type: "string" },
        "openrlhf-bundle": { type: "string" },
        "openrlhf-map": { type: "string" },
        "shutdown-grace-s": { type: "string" },
      },
      HELP,
    );
    const models = values.model ?? (process.env.RULERS_MODEL ? [process.env.RULERS_MODEL] : []);
    if (models.length === 0) throw new CliError("give the judge model with --model (or set RULERS_MODEL)");
    const host = values.host ?? "127.0.0.1";
    const tokenEnv =
      values["token-env"] ?? (process.env.RULERS_SERVE_TOKEN !== undefined ? "RULERS_SERVE_TOKEN" : undefined);
    const token = tokenEnv === undefined ? undefined : process.env[tokenEnv];
    if (tokenEnv !== undefined && !token)
      throw new CliError(`\`--token-env ${tokenEnv}\`: the variable is not set or empty`);
    if (!token && !isLoopback(host))
      throw new CliError(
        `binding to \`${host}\` exposes the server beyond this machine; give a bearer token with --token-env VAR (or bind to 127.0.0.1)`,
      );
    const apiKeyEnv = values["api-key-env"];
    if (apiKeyEnv && process.env[apiKeyEnv] === undefined)
      throw new CliError(`\`--api-key-env ${apiKeyEnv}\`: the variable is not set`);
    const failedReward =
      values["failed-reward"] === undefined ? undefined : numberFlag(values["failed-reward"], "failed-reward", 0);
    const concurrency = numberFlag(values.concurrency, "concurrency", DEFAULT_CONCURRENCY, { integer: true, min: 1 });
    const maxQueue = numberFlag(values["max-queue"], "max-queue", 4096, { integer: true, min: 1 });
    const maxItems = numberFlag(values["max-items"], "max-items", 1024, { integer: true, min: 1 });
    if (maxItems > maxQueue)
      throw new CliError(
        `\`--max-items\` (${maxItems}) is over \`--max-queue\` (${maxQueue}): such a request could never run`,
      );

    let served: Served;
    let openrlhf: OpenRlhfMapping | undefined;
    try {
      served = loadServed({
        lockPath: values.lock ?? "rulers.lock",
        refs: values.bundle ?? [],
        calibrators: values.calibrator ?? [],
      });
      const orRef =
        values["openrlhf-bundle"] ?? (served.bundles.size === 1 ? [...served.bundles.keys()][0] : undefined);
      if (orRef !== undefined) {
        const sb = served.bundles.get(orRef);
        if (!sb)
          throw new ConfigError(
            `\`--openrlhf-bundle ${orRef}\` is not served; give it as \`id@version\` of one of: ${[...served.bundles.keys()].join(", ")}`,
          );
        try {
          openrlhf = openRlhfMapping(orRef, sb.bundle, values["openrlhf-map"]);
        } catch (err) {
          // With one bundle and no OpenRLHF flags, a bundle OpenRLHF cannot feed just leaves the route off.
          if (values["openrlhf-bundle"] !== undefined || values["openrlhf-map"] !== undefined) throw err;
          writeErr(`rulers serve: /get_reward is off: ${(err as Error).message}`);
        }
      }
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(err.message);
      throw err;
    }
    // The provider setup and the settings `rulers judge` would use with the same flags, per bundle.
    const { settings, provider: setup } = serveSetup(
      served,
      values,
      {
        models,
        samples:
          values.samples !== undefined
            ? numberFlag(values.samples, "samples", 1, { integer: true, min: 1 })
            : undefined,
        maxRepairs: numberFlag(values["max-repairs"], "max-repairs", 1, { integer: true, min: 0 }),
        maxInputChars: numberFlag(values["max-input-chars"], "max-input-chars", 200_000, { integer: true, min: 1 }),
      },
      writeErr,
    );
    warnUnpriced(setup.prices, models, values.prices);
    const budget = budgetFlag(values["max-cost"], setup.prices, models);
    const client = judgeClientFor(
      setup,
      {
        ...(values["base-url"] ? { baseURL: values["base-url"] } : {}),
        ...(apiKeyEnv ? { apiKey: process.env[apiKeyEnv]!, apiKeyEnv } : {}),
        timeoutMs: numberFlag(values["timeout-s"], "timeout-s", 120, { min: 0.001 }) * 1000,
        maxRetries: numberFlag(values["max-retries"], "max-retries", 4, { integer: true, min: 0 }),
        maxInFlight: concurrency,
      },
      budget,
    );
    const cache = serveCache(
      values.cache,
      numberFlag(values["cache-size"], "cache-size", 10_000, { integer: true, min: 1 }),
    );
    let server: RewardServer;
    try {
      server = await startServer({
        host,
        port: numberFlag(values.port, "port", 8808, { integer: true, min: 0 }),
        served,
        client,
        cache,
        settings,
        ...(budget ? { budget } : {}),
        ...(token ? { token } : {}),
        concurrency,
        maxQueue,
        batchWindowMs: numberFlag(values["batch-window-ms"], "batch-window-ms", 0, { min: 0 }),
        maxBatch: numberFlag(values["max-batch"], "max-batch", 64, { integer: true, min: 1 }),
        maxBodyBytes: Math.round(numberFlag(values["max-body-mb"], "max-body-mb", 16, { min: 0.001 }) * 1024 * 1024),
        maxItems,
        deadlineMs: numberFlag(values["deadline-s"], "deadline-s", 120, { min: 0.001 }) * 1000,
        ...(failedReward !== undefined ? { failedReward } : {}),
        normalize: values.normalize ?? false,
        ...(openrlhf ? { openrlhf } : {}),
        shutdownGraceMs: numberFlag(values["shutdown-grace-s"], "shutdown-grace-s", 30, { min: 0 }) * 1000,
      });
    } catch (err) {
      cache.close();
      const code = errnoOf(err);
      if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL")
        throw new CliError(`cannot listen on ${host}:${values.port ?? 8808} (${code})`);
      throw err;
    }
    const names = [...served.bundles.values()].map((b) => `${b.ref} ${b.bundle.hash.slice(0, 19)}…`);
    writeOut(`listening on ${server.url}`);
    writeErr(
      `rulers serve: ${names.join(", ")}; judge ${models.join(", ")} at ${client.baseURL}${token ? "; bearer token required" : ""}`,
    );
    // SIGTERM / SIGINT: stop taking requests, finish those in flight, then exit 0.
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.off("SIGTERM", onTerm);
        process.off("SIGINT", onInt);
        writeErr(`rulers serve: ${signal}: finishing requests in flight, then stopping`);
        void server.close().then(resolve, (err) => {
          writeErr(`rulers serve: shutdown: ${(err as Error).message}`);
          resolve();
        });
      };
      const onTerm = () => stop("SIGTERM");
      const onInt = () => stop("SIGINT");
      process.on("SIGTERM", onTerm);
      process.on("SIGINT", onInt);
    });
    writeErr("rulers serve: stopped");
    return 0;
  },
};
