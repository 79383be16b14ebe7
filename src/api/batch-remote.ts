/**
 * Batches through the providers' own batch APIs from code, as `rulers batch submit`, `status`
 * and `collect` run them. What was submitted is kept in a state file written after every step,
 * so an interrupted submit or collect picks up by batch id and never submits a part twice.
 */
import { existsSync } from "node:fs";
import {
  type BatchProvider,
  type BatchState,
  type BatchStatus,
  batchStatus,
  downloadResults,
  type RemoteOptions,
  readState,
  type SubmittedBatch,
  submitPart,
  writeState,
} from "../execute/batch-remote.js";
import { RulersError } from "../util/errors.js";

export type { BatchProvider, BatchState, BatchStatus, SubmittedBatch };

/** How to reach the provider's batch API (the provider itself comes from the state file once there is one). */
export interface BatchConnection {
  readonly baseURL?: string | undefined;
  readonly apiKey?: string | undefined;
  /** Per batch API call (default 120 s). */
  readonly timeoutMs?: number;
  /** HTTP retries per batch API call (default 4). */
  readonly maxRetries?: number;
  readonly fetch?: typeof fetch;
}

function remote(provider: string, baseURL: string | null, c: BatchConnection): RemoteOptions {
  if (provider !== "openai" && provider !== "anthropic")
    throw new RulersError(`batches are submitted to openai or anthropic (--provider), not \`${provider}\``, {
      code: "usage",
    });
  return {
    provider,
    ...(baseURL ? { baseURL } : {}),
    ...(c.apiKey !== undefined ? { apiKey: c.apiKey } : {}),
    timeoutMs: c.timeoutMs ?? 120_000,
    maxRetries: c.maxRetries ?? 4,
    ...(c.fetch ? { fetch: c.fetch } : {}),
  };
}

/** A provider API failure in words: what was being done, the HTTP status, the provider's message. */
function remoteError(err: unknown, what: string): never {
  if (err instanceof RulersError) throw err;
  const e = err as { status?: number; message?: string };
  throw new RulersError(
    `${what} failed${e.status ? ` (${e.status})` : ""}: ${(e.message ?? String(err)).replace(/\s+/g, " ").slice(0, 300)}`,
    { code: "batch_remote", cause: err },
  );
}

export interface SubmitOptions extends BatchConnection {
  /** Default: the state file's provider, else `openai`. */
  readonly provider?: string;
  /** The state file (default `<first part>.batch.json`). */
  readonly state?: string;
  /** Each part as it is submitted, or skipped because the state file already has it. */
  readonly onPart?: (part: string, batch: SubmittedBatch, skipped: boolean) => void;
}

/**
 * Upload each request file and create a batch from it (OpenAI: file upload + batch; Anthropic:
 * Message Batches), recording every batch id in the state file the moment it exists: calling
 * again skips parts already submitted.
 */
export async function submitBatches(
  parts: readonly string[],
  opts: SubmitOptions = {},
): Promise<{ readonly statePath: string; readonly state: BatchState }> {
  if (parts.length === 0) throw new RulersError("give the request files to submit", { code: "usage" });
  for (const p of parts)
    if (!existsSync(p)) throw new RulersError(`cannot read requests \`${p}\`: no such file`, { code: "usage" });
  const statePath = opts.state ?? `${parts[0]}.batch.json`;
  const previous = existsSync(statePath) ? readState(statePath) : null;
  const provider = opts.provider ?? previous?.provider ?? "openai";
  if (previous && previous.provider !== provider)
    throw new RulersError(`${statePath} holds ${previous.provider} batches; not mixing in ${provider}`, {
      code: "usage",
    });
  const baseURL = opts.baseURL ?? previous?.base_url ?? null;
  const o = remote(provider, baseURL, opts);
  const state: BatchState = { provider: o.provider, base_url: baseURL, batches: [...(previous?.batches ?? [])] };
  for (const part of parts) {
    const done = state.batches.find((b) => b.part === part);
    if (done) {
      opts.onPart?.(part, done, true);
      continue;
    }
    try {
      const b = await submitPart(o, part);
      state.batches.push(b);
      // Written at once: a crash after this line never submits the part again.
      writeState(statePath, state);
      opts.onPart?.(part, b, false);
    } catch (err) {
      remoteError(err, `submitting ${part}`);
    }
  }
  writeState(statePath, state);
  return { statePath, state };
}

/** Each submitted batch's progress, as the provider reports it, with the part it was made from. */
export async function batchStatuses(
  statePath: string,
  c: BatchConnection = {},
): Promise<{ readonly state: BatchState; readonly statuses: (BatchStatus & { readonly part: string })[] }> {
  const state = readState(statePath);
  const o = remote(state.provider, c.baseURL ?? state.base_url, c);
  const statuses: (BatchStatus & { part: string })[] = [];
  for (const b of state.batches) {
    try {
      statuses.push({ ...(await batchStatus(o, b.id)), part: b.part });
    } catch (err) {
      remoteError(err, `asking for batch ${b.id}`);
    }
  }
  return { state, statuses };
}

export interface CollectOptions extends BatchConnection {
  /** Poll until every batch has finished (or `waitTimeoutMs` passes). */
  readonly wait?: boolean;
  /** Between polls (default 30 s). */
  readonly pollMs?: number;
  /** Give up waiting after this long (default a day). */
  readonly waitTimeoutMs?: number;
  /** Result files are written as `<prefix>.<batch id>…` (default: the state path without `.batch.json`). */
  readonly resultsPrefix?: string;
  /** Each result file as it is downloaded. */
  readonly onResults?: (batch: BatchStatus, file: string) => void;
}

export interface Collected {
  readonly state: BatchState;
  /** Every result file of every finished batch. */
  readonly files: readonly string[];
  /** Batches still running; empty when all are collected. */
  readonly pending: readonly SubmittedBatch[];
}

/**
 * Download the results of every finished batch into files, recording them in the state file
 * (a batch already collected is not downloaded again). With `wait`, polls until none is left.
 */
export async function collectBatches(statePath: string, opts: CollectOptions = {}): Promise<Collected> {
  const pollMs = opts.pollMs ?? 30_000;
  const deadline = Date.now() + (opts.waitTimeoutMs ?? 86_400_000);
  const prefix = opts.resultsPrefix ?? statePath.replace(/\.batch\.json$|\.json$/, "");
  for (;;) {
    const { state, statuses } = await batchStatuses(statePath, opts);
    const o = remote(state.provider, opts.baseURL ?? state.base_url, opts);
    for (const s of statuses) {
      const b = state.batches.find((x) => x.id === s.id)!;
      b.status = s.status;
      if (s.state === "in_progress" || b.results) continue;
      try {
        b.results = await downloadResults(o, s.id, prefix);
      } catch (err) {
        remoteError(err, `downloading the results of ${s.id}`);
      }
      for (const f of b.results) opts.onResults?.(s, f);
      writeState(statePath, state);
    }
    writeState(statePath, state);
    const pending = state.batches.filter((b) => !b.results);
    if (pending.length === 0 || !opts.wait || Date.now() >= deadline)
      return { state, files: state.batches.flatMap((b) => b.results ?? []), pending };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
