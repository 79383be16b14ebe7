/**
 * Judging the rows of one request: every row checked before anything is queued (a request with
 * a bad row is refused whole, so a trainer never gets rewards for half a batch), then queued
 * through the scheduler, awaited against the request's deadline, and handed back in order with
 * each row's own id.
 */
import type { JudgeSettings } from "../execute/index.js";
import { failedRecord, judgeRow, newRunStats, rowProblem } from "../execute/index.js";
import type { Cache } from "../judge/cache.js";
import { JudgeCallError, type JudgeClient } from "../judge/client.js";
import type { RunRecord } from "../record/index.js";
import { canonicalJson, sha256Hex } from "../util/canonical.js";
import { extend } from "../util/extend.js";
import type { ServedBundle } from "./bundles.js";
import { ServeError } from "./errors.js";
import type { ServeMetrics } from "./metrics.js";
import { QueueFullError, type Scheduler, type Ticket } from "./scheduler.js";

/** What went wrong with one item, for the reward policy and the failure metrics. */
export interface Failure {
  /** A short, stable label: `invalid_row`, `judge_refused`, `answer_invalid`, `judge_<kind>`. */
  readonly reason: string;
  readonly message: string;
  /** The judge could not be reached, kept failing or refused to start: nothing was learned about the item. */
  readonly transport: boolean;
}

export interface ItemOutcome {
  readonly record: RunRecord;
  readonly failure?: Failure;
}

export interface Row {
  readonly row: Record<string, unknown>;
  readonly id: string;
  /** 1-based position in the request (the `line` of its run record). */
  readonly line: number;
}

export interface RowsContext {
  readonly client: JudgeClient;
  readonly cache: Cache;
  /** Each served bundle's settings, by `id@version`. */
  readonly settings: ReadonlyMap<string, JudgeSettings>;
  readonly scheduler: Scheduler<ItemOutcome>;
  readonly metrics: ServeMetrics;
}

function classify(error: string): string {
  if (/^row \d+: /.test(error)) return "invalid_row";
  if (error.startsWith("the judge refused")) return "judge_refused";
  return "answer_invalid";
}

/**
 * One item through the executor's own per-row path (`judgeRow`: cache, retries, repairs,
 * evidence, scoring). A fault that stops a `rulers judge` run (bad key, budget spent) fails
 * only the requests that needed a call; the server keeps serving.
 */
async function judgeOne(ctx: RowsContext, sb: ServedBundle, r: Row): Promise<ItemOutcome> {
  const stats = newRunStats();
  const settings = ctx.settings.get(sb.ref)!;
  const started = performance.now();
  try {
    const { record, callError } = await judgeRow(
      { bundle: sb.bundle, client: ctx.client, cache: ctx.cache, settings, stats },
      r.row,
      r.id,
      r.line,
    );
    // The record's latency is the judge's (its calls' round trips, after each got a call slot).
    const call = stats.calls > 0 && typeof record.latency_ms === "number" ? record.latency_ms : 0;
    ctx.metrics.stage("judge_call", call);
    ctx.metrics.stage("item_work", Math.max(0, performance.now() - started - call));
    if (callError)
      return { record, failure: { reason: `judge_${callError.kind}`, message: callError.message, transport: true } };
    const error = typeof record.error === "string" ? record.error : undefined;
    return error === undefined
      ? { record }
      : { record, failure: { reason: classify(error), message: error, transport: false } };
  } catch (err) {
    if (!(err instanceof JudgeCallError)) throw err;
    return {
      record: failedRecord(sb.bundle, r.id, r.line, err.message),
      failure: { reason: `judge_${err.kind}`, message: err.message, transport: true },
    };
  } finally {
    ctx.metrics.judged(stats);
  }
}

/** Rows from a request's array: objects only; ids from `id` when given, else the position. */
export function rowsOf(value: unknown, field: string, maxItems: number): Row[] {
  if (!Array.isArray(value))
    throw new ServeError("invalid_request", `\`${field}\` must be an array of objects`, { field });
  if (value.length === 0) throw new ServeError("invalid_request", `\`${field}\` is empty`, { field });
  if (value.length > maxItems)
    throw new ServeError(
      "too_many_items",
      `${value.length} ${field} in one request, over the limit of ${maxItems}; split the request`,
      { field, limit: maxItems },
    );
  const problems: { index: number; message: string }[] = [];
  const rows: Row[] = [];
  value.forEach((v, index) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      problems.push({ index, message: "must be a JSON object" });
      return;
    }
    const id = (v as Record<string, unknown>).id;
    if (id !== undefined && typeof id !== "string" && typeof id !== "number") {
      problems.push({ index, message: "`id` must be a string or a number" });
      return;
    }
    rows.push({
      row: v as Record<string, unknown>,
      id: id === undefined ? String(index) : String(id),
      line: index + 1,
    });
  });
  if (problems.length) throw invalidRows(field, problems);
  return rows;
}

function invalidRows(field: string, problems: { index: number; id?: string; message: string }[]): ServeError {
  const first = problems[0]!;
  return new ServeError(
    "invalid_rows",
    `${problems.length} of the ${field} cannot be judged; the first, ${field}[${first.index}]: ${first.message}`,
    { field, problems: problems.slice(0, 100) },
  );
}

/**
 * The dedup key: the bundle hash and the row as judged. The id is left out (two rollouts with
 * the same text are the same judgment) unless the bundle's criteria are looked up by item id.
 */
function keyOf(sb: ServedBundle, r: Row): string {
  const { id: _id, ...rest } = r.row;
  const key = `${sb.bundle.hash}\n${canonicalJson(sb.bundle.body.items ? r.row : rest)}`;
  // A short row is its own key (a hash per item cost more CPU than the rest of the scheduler);
  // a long one is hashed so the queue does not hold every row twice.
  return key.length <= KEY_HASH_OVER ? key : sha256Hex(key);
}
const KEY_HASH_OVER = 4096;

/**
 * `since` is when the handler started (performance.now()), for the `admit` stage; the `items`
 * stage runs from queueing to the last item done.
 */
export async function judgeRows(
  ctx: RowsContext,
  sb: ServedBundle,
  rows: readonly Row[],
  field: string,
  deadlineMs: number,
  gone: AbortSignal,
  since: number,
): Promise<ItemOutcome[]> {
  const problems = rows.flatMap((r, index) => {
    const p = rowProblem(sb.bundle, r.row, r.id, ctx.settings.get(sb.ref)!.maxInputChars);
    return p === null ? [] : [{ index, id: r.id, message: p }];
  });
  if (problems.length) throw invalidRows(field, problems);

  let ticket: Ticket<ItemOutcome>;
  try {
    ticket = ctx.scheduler.submit(
      rows.map((r) => ({
        key: keyOf(sb, r),
        run: async () => {
          const outcome = await judgeOne(ctx, sb, r);
          ctx.metrics.item(sb.ref, outcome.failure?.reason);
          return outcome;
        },
      })),
    );
  } catch (err) {
    if (err instanceof QueueFullError)
      throw new ServeError("queue_full", err.message, { queue_depth: err.depth }, err.retryAfter);
    throw err;
  }
  const queued = performance.now();
  ctx.metrics.stage("admit", queued - since);
  let timer: NodeJS.Timeout | undefined;
  const onGone = () => ticket.cancel();
  gone.addEventListener("abort", onGone, { once: true });
  try {
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ticket.cancel();
        reject(
          new ServeError(
            "deadline_exceeded",
            `not every item was judged within the deadline of ${deadlineMs} ms; finished calls are cached, so a retry is cheaper`,
            { deadline_ms: deadlineMs },
          ),
        );
      }, deadlineMs);
    });
    const outcomes = await Promise.race([Promise.all(ticket.results), expired]);
    ctx.metrics.stage("items", performance.now() - queued);
    // A shared job's record carries the id and position of whichever request made it first.
    return outcomes.map((o, i) => {
      const { id, line } = rows[i]!;
      return o.record.item_id === id && o.record.line === line
        ? o
        : extend(o, { record: extend(o.record, { item_id: id, line }) });
    });
  } finally {
    clearTimeout(timer);
    gone.removeEventListener("abort", onGone);
  }
}

/**
 * The judge could not be reached for some item: nothing about those items is known. A spent
 * `--max-cost` is its own error: retrying will not help until the server is restarted with more.
 */
export function judgeDown(outcomes: readonly ItemOutcome[]): ServeError | null {
  const down = outcomes.filter((o) => o.failure?.transport);
  if (down.length === 0) return null;
  const spent = down.filter((o) => o.failure!.reason === "judge_budget");
  if (spent.length)
    return new ServeError(
      "budget_exhausted",
      `${spent.length} of ${outcomes.length} items need a judge call the server's --max-cost no longer allows: ${spent[0]!.failure!.message}; items already judged are still answered from the cache`,
      {},
    );
  return new ServeError(
    "judge_unavailable",
    `the judge failed for ${down.length} of ${outcomes.length} items: ${down[0]!.failure!.message}`,
    { reason: down[0]!.failure!.reason },
    5,
  );
}
