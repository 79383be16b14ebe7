/**
 * Prometheus metrics through prom-client (the maintained client: text format, histograms,
 * process metrics). Each server has its own registry, so two servers in one process (tests)
 * never share counters.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RunStats } from "../execute/index.js";
import type { Budget } from "../judge/budget.js";

export interface ServeMetrics {
  readonly registry: Registry;
  request(route: string, status: number, seconds: number): void;
  readonly inFlight: Gauge;
  item(bundle: string, failureReason: string | undefined): void;
  judged(stats: RunStats): void;
  batch(size: number): void;
  /** Time spent in one stage of a request or of an item (see STAGES), in ms. */
  stage(name: Stage, ms: number): void;
}

/**
 * Where a request's time goes, for finding a latency tail by measurement. Per request:
 * `receive` (routing, reading and parsing the body), `admit` (checking the rows, dedup keys,
 * queueing), `items` (queued until its last item is done), `respond` (serialising and writing
 * the answer). Per item, inside `items`: `batch_wait` (the micro-batch window), `lane_wait`
 * (waiting for a judging lane), `judge_call` (the HTTP round trips to the judge, retries
 * included), `item_work` (building the prompt, parsing the answer, evidence, scoring, and any
 * wait for a call slot).
 */
export const STAGES = [
  "receive",
  "admit",
  "items",
  "respond",
  "batch_wait",
  "lane_wait",
  "judge_call",
  "item_work",
] as const;
export type Stage = (typeof STAGES)[number];

export function createMetrics(live: {
  queueDepth: () => number;
  deduplicated: () => number;
  budget?: Budget | undefined;
}): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({
    name: "rulers_serve_requests_total",
    help: "HTTP requests answered, by route and status",
    labelNames: ["route", "status"] as const,
    registers,
  });
  const latency = new Histogram({
    name: "rulers_serve_request_duration_seconds",
    help: "Time from request to response, by route",
    labelNames: ["route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const inFlight = new Gauge({
    name: "rulers_serve_requests_in_flight",
    help: "Requests being handled",
    registers,
  });
  new Gauge({
    name: "rulers_serve_queue_depth",
    help: "Distinct items waiting for or being judged",
    registers,
    collect() {
      this.set(live.queueDepth());
    },
  });
  new Counter({
    name: "rulers_serve_deduplicated_items_total",
    help: "Items answered by an identical item already queued or being judged",
    registers,
    collect() {
      this.reset();
      this.inc(live.deduplicated());
    },
  });
  if (live.budget) {
    const budget = live.budget;
    new Gauge({
      name: "rulers_judge_spent_usd",
      help: "Dollars spent on judge calls since the server started (what --max-cost caps)",
      registers,
      collect() {
        this.set(budget.spent);
      },
    });
    new Gauge({ name: "rulers_judge_max_cost_usd", help: "The --max-cost cap", registers }).set(budget.capUsd);
  }
  const items = new Counter({
    name: "rulers_serve_items_total",
    help: "Items judged, by bundle and outcome (scored or failed)",
    labelNames: ["bundle", "outcome"] as const,
    registers,
  });
  const failures = new Counter({
    name: "rulers_serve_item_failures_total",
    help: "Items that could not be scored, by reason",
    labelNames: ["reason"] as const,
    registers,
  });
  const calls = new Counter({ name: "rulers_judge_calls_total", help: "Calls made to the judge", registers });
  const cacheHits = new Counter({
    name: "rulers_judge_cache_hits_total",
    help: "Judge calls answered from the cache",
    registers,
  });
  const retries = new Counter({ name: "rulers_judge_retries_total", help: "HTTP retries of judge calls", registers });
  const repairs = new Counter({
    name: "rulers_judge_repairs_total",
    help: "Repair requests for answers that did not validate",
    registers,
  });
  const tokens = new Counter({
    name: "rulers_judge_tokens_total",
    help: "Tokens reported by the judge, by kind (prompt or completion)",
    labelNames: ["kind"] as const,
    registers,
  });
  const evidence = new Counter({
    name: "rulers_evidence_quotes_total",
    help: "Quotes checked against the judged text, by result (verified or rejected)",
    labelNames: ["result"] as const,
    registers,
  });
  const batches = new Histogram({
    name: "rulers_serve_batch_size",
    help: "Items released to the judge together by the micro-batcher",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers,
  });
  const stages = new Histogram({
    name: "rulers_serve_stage_seconds",
    help: "Time in each stage of a request (receive, admit, items, respond) and of an item (batch_wait, lane_wait, judge_call, item_work)",
    labelNames: ["stage"] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  // About 0.35 µs an observe (measured): an item's four, and its share of its request's four, are under 1% of its CPU.
  const stageOf = Object.fromEntries(STAGES.map((s) => [s, stages.labels({ stage: s })])) as Record<
    Stage,
    ReturnType<typeof stages.labels>
  >;
  return {
    registry,
    inFlight,
    stage(name, ms) {
      stageOf[name].observe(ms / 1000);
    },
    request(route, status, seconds) {
      requests.inc({ route, status: String(status) });
      latency.observe({ route }, seconds);
    },
    item(bundle, reason) {
      items.inc({ bundle, outcome: reason === undefined ? "scored" : "failed" });
      if (reason !== undefined) failures.inc({ reason });
    },
    judged(s) {
      if (s.calls) calls.inc(s.calls);
      if (s.cached) cacheHits.inc(s.cached);
      if (s.retries) retries.inc(s.retries);
      if (s.repairs) repairs.inc(s.repairs);
      if (s.prompt_tokens) tokens.inc({ kind: "prompt" }, s.prompt_tokens);
      if (s.completion_tokens) tokens.inc({ kind: "completion" }, s.completion_tokens);
      if (s.evidence_verified) evidence.inc({ result: "verified" }, s.evidence_verified);
      if (s.evidence_rejected) evidence.inc({ result: "rejected" }, s.evidence_rejected);
    },
    batch(size) {
      batches.observe(size);
    },
  };
}
