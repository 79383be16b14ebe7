/**
 * Batches end to end with the providers' own batch APIs: the OpenAI Batch API (upload the
 * request file, create the batch, poll it, download the output and error files) and Anthropic
 * Message Batches (create from the request lines, poll, stream the results). What was submitted
 * is kept in a state file written after every step, so an interrupted submit or collect picks up
 * by batch id and never submits a part twice.
 */
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic.js";
import { RulersError } from "../util/errors.js";

export type BatchProvider = "openai" | "anthropic";

export interface SubmittedBatch {
  /** The request file this batch was made from. */
  readonly part: string;
  readonly id: string;
  readonly input_file_id?: string;
  status: string;
  /** Result files written by collect. */
  results?: string[];
}

export interface BatchState {
  readonly provider: BatchProvider;
  readonly base_url: string | null;
  readonly batches: SubmittedBatch[];
}

export interface RemoteOptions {
  readonly provider: BatchProvider;
  readonly baseURL?: string | undefined;
  readonly apiKey?: string | undefined;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly fetch?: typeof fetch;
}

export interface BatchStatus {
  readonly id: string;
  /** Normalised: `in_progress`, `ended` (results ready), `failed`, `expired`, `cancelled`. */
  readonly state: "in_progress" | "ended" | "failed" | "expired" | "cancelled";
  /** The provider's own word. */
  readonly status: string;
  readonly counts: { total: number; succeeded: number; failed: number };
}

export class BatchStateError extends RulersError {
  override readonly code: string = "batch_state";
}

export function readState(path: string): BatchState {
  if (!existsSync(path)) throw new BatchStateError(`no batch state at \`${path}\`; \`rulers batch submit\` writes it`);
  try {
    const s = JSON.parse(readFileSync(path, "utf8")) as BatchState;
    if ((s.provider !== "openai" && s.provider !== "anthropic") || !Array.isArray(s.batches))
      throw new Error("not a batch state file");
    return s;
  } catch (err) {
    throw new BatchStateError(`cannot read batch state \`${path}\`: ${(err as Error).message}`);
  }
}

export function writeState(path: string, state: BatchState): void {
  writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}

/** The two SDK clients, loaded when a batch command needs them. */
async function openai(o: RemoteOptions) {
  const { default: OpenAI } = await import("openai");
  return new OpenAI({
    apiKey: o.apiKey ?? process.env.OPENAI_API_KEY ?? "not-set",
    ...(o.baseURL ? { baseURL: o.baseURL } : {}),
    timeout: o.timeoutMs,
    maxRetries: o.maxRetries,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
}

async function anthropic(o: RemoteOptions) {
  const { default: Anthropic } = await import("@anthropic-ai/sdk");
  return new Anthropic({
    apiKey: o.apiKey ?? process.env.ANTHROPIC_API_KEY ?? "not-set",
    ...(o.baseURL ? { baseURL: o.baseURL } : {}),
    timeout: o.timeoutMs,
    maxRetries: o.maxRetries,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
}

/** Submits one request file; returns the batch as recorded in the state. */
export async function submitPart(o: RemoteOptions, part: string): Promise<SubmittedBatch> {
  if (o.provider === "openai") {
    const sdk = await openai(o);
    const file = await sdk.files.create({ file: createReadStream(part), purpose: "batch" });
    const batch = await sdk.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      metadata: { source: "rulers", part: part.slice(-500) },
    });
    return { part, id: batch.id, input_file_id: file.id, status: batch.status };
  }
  const sdk = await anthropic(o);
  const requests = readFileSync(part, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l, i) => {
      const r = JSON.parse(l) as { custom_id?: unknown; params?: unknown };
      if (typeof r.custom_id !== "string" || !r.params)
        throw new BatchStateError(
          `${part}:${i + 1}: not a Message Batches request ({custom_id, params}); prepare it with --provider anthropic`,
        );
      return r;
    });
  const batch = await sdk.messages.batches.create({ requests: requests as never });
  return { part, id: batch.id, status: batch.processing_status };
}

const OPENAI_STATE: Record<string, BatchStatus["state"]> = {
  validating: "in_progress",
  in_progress: "in_progress",
  finalizing: "in_progress",
  cancelling: "in_progress",
  completed: "ended",
  failed: "failed",
  expired: "expired",
  cancelled: "cancelled",
};

export async function batchStatus(o: RemoteOptions, id: string): Promise<BatchStatus> {
  if (o.provider === "openai") {
    const b = await (await openai(o)).batches.retrieve(id);
    const c = b.request_counts ?? { total: 0, completed: 0, failed: 0 };
    // An expired or cancelled batch still has an output file for what finished.
    return {
      id,
      state: OPENAI_STATE[b.status] ?? "in_progress",
      status: b.status,
      counts: { total: c.total, succeeded: c.completed, failed: c.failed },
    };
  }
  const b = await (await anthropic(o)).messages.batches.retrieve(id);
  const c = b.request_counts;
  return {
    id,
    state: b.processing_status === "ended" ? "ended" : "in_progress",
    status: b.processing_status,
    counts: {
      total: c.processing + c.succeeded + c.errored + c.canceled + c.expired,
      succeeded: c.succeeded,
      failed: c.errored + c.canceled + c.expired,
    },
  };
}

/** Downloads a finished batch's results (and OpenAI's error file) as JSONL files; returns their paths. */
export async function downloadResults(o: RemoteOptions, id: string, prefix: string): Promise<string[]> {
  const files: string[] = [];
  const safe = id.replace(/[^A-Za-z0-9_-]/g, "_");
  if (o.provider === "openai") {
    const sdk = await openai(o);
    const b = await sdk.batches.retrieve(id);
    for (const [kind, fileId] of [
      ["output", b.output_file_id],
      ["errors", b.error_file_id],
    ] as const) {
      if (!fileId) continue;
      const text = await (await sdk.files.content(fileId)).text();
      const path = `${prefix}.${safe}.${kind}.jsonl`;
      writeFileAtomic(path, text.endsWith("\n") || text === "" ? text : `${text}\n`);
      files.push(path);
    }
    return files;
  }
  const sdk = await anthropic(o);
  const lines: string[] = [];
  for await (const r of await sdk.messages.batches.results(id)) lines.push(JSON.stringify(r));
  const path = `${prefix}.${safe}.results.jsonl`;
  writeFileAtomic(path, lines.length ? `${lines.join("\n")}\n` : "");
  files.push(path);
  return files;
}
