/**
 * Judging past one machine without a home-made cluster: hand the requests to engines that
 * scale (the OpenAI Batch API, Azure's, `vllm run-batch`) as batch input files, and take their
 * output files back. The requests are exactly those `rulers judge` sends (same builder), and
 * ingesting goes through the same judging code with the answers placed in the cache, so the
 * records come out the same as from a direct run.
 */

import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import type { Bundle } from "../bundle/types.js";
import type { Completion } from "../judge/client.js";
import { anthropicAnswer, anthropicBody, capabilityTable, openaiBody } from "../provider/index.js";
import { sha256Hex } from "../util/canonical.js";
import { extend } from "../util/extend.js";
import { criteriaFor, type JudgeSettings, judgmentParts, RowError, requestFor, rowInputs } from "./item.js";

const defaultCapabilities = capabilityTable();

/**
 * Anthropic's custom_id allows 1–64 of [A-Za-z0-9_-]: rulers' readable id is hashed into one,
 * the same way on prepare and on ingest, so results still find their request.
 */
export function anthropicCustomId(id: string): string {
  return `r-${sha256Hex(id).slice(0, 40)}`;
}

export interface PlannedCall {
  readonly custom_id: string;
  readonly key: string;
  readonly body: Record<string, unknown>;
  /** The batch input line for this call, JSON. */
  line(): string;
  /** The same line as UTF-8 pieces (concatenated, byte for byte `line()`); shared pieces are reused, never copied. */
  pieces(): readonly Buffer[];
}

// The schema is the bulk of every request and the same for every row: serialise it once.
const formatJson = new WeakMap<object, string>();
function jsonOf(v: object): string {
  let s = formatJson.get(v);
  if (s === undefined) {
    s = JSON.stringify(v);
    formatJson.set(v, s);
  }
  return s;
}

// The parts of an OpenAI batch line that every row shares — the answer format with its schema
// and the rubric's system message, most of each line's bytes — are encoded to UTF-8 once.
const formatBytes = new WeakMap<object, Buffer>();
const systemBytes = new Map<string, Buffer>();

function sharedMessage(m: unknown): Buffer | null {
  const msg = m as { role?: unknown; content?: unknown };
  if (msg === null || typeof msg !== "object" || msg.role !== "system" || typeof msg.content !== "string") return null;
  const keys = Object.keys(msg);
  if (keys.length !== 2 || keys[0] !== "role") return null;
  let b = systemBytes.get(msg.content);
  if (!b) {
    b = Buffer.from(JSON.stringify({ role: "system", content: msg.content }), "utf8");
    if (systemBytes.size > 64) systemBytes.clear();
    systemBytes.set(msg.content, b);
  }
  return b;
}

/**
 * An OpenAI batch line as UTF-8 pieces: `{custom_id, method, url, body}` with the body's
 * `response_format` moved last, exactly as `line()` writes it.
 */
function openaiLinePieces(id: string, body: Record<string, unknown>): Buffer[] {
  const out: Buffer[] = [];
  let text = `{"custom_id":${JSON.stringify(id)},"method":"POST","url":"/v1/chat/completions","body":{`;
  let first = true;
  const key = (k: string) => {
    text += `${first ? "" : ","}${JSON.stringify(k)}:`;
    first = false;
  };
  for (const [k, v] of Object.entries(body)) {
    if (k === "response_format" || v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    key(k);
    if (k === "messages" && Array.isArray(v)) {
      text += "[";
      v.forEach((m, i) => {
        if (i) text += ",";
        const shared = sharedMessage(m);
        if (shared) {
          out.push(Buffer.from(text, "utf8"), shared);
          text = "";
        } else text += JSON.stringify(m) ?? "null";
      });
      text += "]";
    } else text += JSON.stringify(v);
  }
  const rf = body.response_format;
  if (rf !== undefined && rf !== null && typeof rf === "object") {
    key("response_format");
    let b = formatBytes.get(rf);
    if (!b) {
      b = Buffer.from(jsonOf(rf), "utf8");
      formatBytes.set(rf, b);
    }
    out.push(Buffer.from(text, "utf8"), b);
    text = "";
  } else if (rf !== undefined) {
    key("response_format");
    text += JSON.stringify(rf);
  }
  out.push(Buffer.from(`${text}}}`, "utf8"));
  return out;
}

/** custom_id = item id (URI-encoded), sample and order; parseable whatever order results return in. */
export function customId(
  itemId: string,
  model: string,
  sample: number,
  swapped: boolean,
  criterion?: string | null,
): string {
  const base = `rulers:${encodeURIComponent(itemId)}:${encodeURIComponent(model)}:s${sample}:${swapped ? "BA" : "AB"}`;
  // `each criterion separately`: one request per criterion, told apart by a suffix.
  return criterion ? `${base}:c=${encodeURIComponent(criterion)}` : base;
}

export function parseCustomId(
  id: string,
): { itemId: string; model: string; sample: number; swapped: boolean; criterion?: string } | null {
  const m = /^rulers:([^:]*):([^:]*):s(\d+):(AB|BA)(?::c=([^:]*))?$/.exec(id);
  return m
    ? {
        itemId: decodeURIComponent(m[1]!),
        model: decodeURIComponent(m[2]!),
        sample: Number(m[3]),
        swapped: m[4] === "BA",
        ...(m[5] !== undefined ? { criterion: decodeURIComponent(m[5]) } : {}),
      }
    : null;
}

/**
 * Planned calls are classes, not object literals with a `key` getter: a getter's accessor pair
 * lives in old space and holds the getter's closure, so `batch prepare` on 100,000 rows kept
 * every row's prompt alive through young-generation collections (~170 MB promoted; bench/README,
 * batch).
 */
abstract class BatchCall implements PlannedCall {
  constructor(
    readonly custom_id: string,
    readonly body: Record<string, unknown>,
    private readonly planned: { readonly key: string },
  ) {}
  get key(): string {
    return this.planned.key;
  }
  abstract line(): string;
  abstract pieces(): readonly Buffer[];
}

class OpenAICall extends BatchCall {
  line(): string {
    const { response_format, ...rest } = this.body;
    const head = JSON.stringify({ custom_id: this.custom_id, method: "POST", url: "/v1/chat/completions", body: rest });
    if (response_format === undefined) return head;
    // Same JSON as stringifying the whole line, with the shared schema spliced in.
    return `${head.slice(0, -2)},"response_format":${jsonOf(response_format as object)}}}`;
  }
  pieces(): readonly Buffer[] {
    return openaiLinePieces(this.custom_id, this.body);
  }
}

/** Message Batches: {custom_id, params}, the params exactly as a direct call sends them. */
class AnthropicCall extends BatchCall {
  line(): string {
    return JSON.stringify({ custom_id: this.custom_id, params: this.body });
  }
  pieces(): readonly Buffer[] {
    return [Buffer.from(this.line(), "utf8")];
  }
}

/** Every first-attempt call `rulers judge` would make for one row. */
export function planCalls(
  bundle: Bundle,
  settings: JudgeSettings,
  row: Record<string, unknown>,
  itemId: string,
): PlannedCall[] {
  const ir = bundle.body.rubric;
  const { inputs } = rowInputs(ir, row, settings.maxInputChars);
  const { items } = criteriaFor(bundle, row, itemId);
  const orders = ir.mode.kind === "pairwise" && ir.mode.swap ? [false, true] : [false];
  const calls: PlannedCall[] = [];
  for (const swapped of orders) {
    const { parts } = judgmentParts(bundle, inputs, swapped, items, settings.format);
    for (const model of settings.models) {
      for (let sample = 0; sample < settings.samples; sample++) {
        for (const { messages, schema, criterion } of parts) {
          const planned = requestFor(bundle.hash, settings, messages, model, sample, schema, swapped ? "swapped" : "");
          const request = planned.request;
          const caps = settings.capabilities ?? defaultCapabilities;
          if (settings.provider === "anthropic") {
            // Message Batches: {custom_id, params}, the params exactly as a direct call sends them.
            const body = anthropicBody(request, settings.format, caps);
            calls.push(
              new AnthropicCall(anthropicCustomId(customId(itemId, model, sample, swapped, criterion)), body, planned),
            );
            continue;
          }
          const body = openaiBody(request, settings.format, caps);
          calls.push(new OpenAICall(customId(itemId, model, sample, swapped, criterion), body, planned));
        }
      }
    }
  }
  return calls;
}

export { RowError };

const NEWLINE = Buffer.from("\n");

/** Writes request lines into numbered parts that respect the provider's line and byte limits. */
export class PartWriter {
  private stream: WriteStream | null = null;
  // Lines are gathered into ~1 MB writes: one syscall per request would dominate the time.
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lines = 0;
  private bytes = 0;
  readonly parts: { path: string; lines: number; bytes: number }[] = [];
  constructor(
    private readonly path: string,
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {}

  private partPath(n: number): string {
    return this.path.replace(/(\.jsonl)?$/, `.part-${String(n).padStart(3, "0")}.jsonl`);
  }

  /** One request line, as text or as UTF-8 pieces (PlannedCall.pieces). */
  async write(line: string | readonly Buffer[]): Promise<void> {
    const pieces = typeof line === "string" ? [Buffer.from(line, "utf8")] : line;
    let size = 1;
    for (const p of pieces) size += p.length;
    if (size > this.maxBytes) throw new Error(`one request is ${size} bytes, over --max-bytes ${this.maxBytes}`);
    if (!this.stream || this.lines >= this.maxLines || this.bytes + size > this.maxBytes) await this.next();
    this.lines++;
    this.bytes += size;
    const part = this.parts[this.parts.length - 1]!;
    part.lines = this.lines;
    part.bytes = this.bytes;
    this.pending.push(...pieces, NEWLINE);
    this.pendingBytes += size;
    if (this.pendingBytes >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.stream || this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  private async next(): Promise<void> {
    await this.closeCurrent();
    const path = this.partPath(this.parts.length + 1);
    this.stream = createWriteStream(path);
    this.parts.push({ path, lines: 0, bytes: 0 });
    this.lines = 0;
    this.bytes = 0;
  }

  private async closeCurrent(): Promise<void> {
    if (!this.stream) return;
    await this.flush();
    const s = this.stream;
    this.stream = null;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    await this.closeCurrent();
  }
}

/** One line of a batch output file (OpenAI's, and vLLM run-batch's, which follows it). */
export interface BatchResult {
  readonly custom_id: string;
  readonly completion: Completion | null;
  readonly error: string | null;
}

/** The fields of a chat completion body that a batch result is read for (all optional on the wire). */
interface BatchBody {
  error?: { message?: string };
  choices?: { message?: { content?: string | null; refusal?: string | null }; finish_reason?: string | null }[];
  model?: string;
  system_fingerprint?: string | null;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function parseBatchLine(value: unknown): BatchResult | string {
  const a = value as { custom_id?: unknown; result?: { type?: string; message?: unknown; error?: unknown } };
  if (a && typeof a.custom_id === "string" && a.result && typeof a.result === "object") {
    // An Anthropic Message Batches result line.
    const r = a.result;
    if (r.type === "succeeded") {
      try {
        const answer = anthropicAnswer(r.message, { model: "unknown" } as never, "the batch");
        return { custom_id: a.custom_id, error: null, completion: extend(answer, { latency_ms: 0, attempts: 1 }) };
      } catch (err) {
        return { custom_id: a.custom_id, completion: null, error: (err as Error).message };
      }
    }
    const e = r.error as { error?: { message?: string }; message?: string } | undefined;
    return {
      custom_id: a.custom_id,
      completion: null,
      error: r.type === "errored" ? (e?.error?.message ?? e?.message ?? "errored") : (r.type ?? "no result"),
    };
  }
  const v = value as {
    custom_id?: unknown;
    response?: { status_code?: number; body?: BatchBody } | null;
    error?: { message?: string; code?: string } | null;
  };
  if (!v || typeof v.custom_id !== "string") return "no `custom_id`";
  if (v.error) return { custom_id: v.custom_id, completion: null, error: v.error.message ?? v.error.code ?? "error" };
  const status = v.response?.status_code ?? 200;
  const body = v.response?.body;
  if (status !== 200 || !body)
    return {
      custom_id: v.custom_id,
      completion: null,
      error: `status ${status}${body?.error?.message ? `: ${body.error.message}` : ""}`,
    };
  const choice = body.choices?.[0];
  return {
    custom_id: v.custom_id,
    error: null,
    completion: {
      content: choice?.message?.content ?? null,
      refusal: choice?.message?.refusal ?? null,
      finish_reason: choice?.finish_reason ?? null,
      model: body.model ?? "unknown",
      system_fingerprint: body.system_fingerprint ?? null,
      usage: { prompt_tokens: body.usage?.prompt_tokens ?? 0, completion_tokens: body.usage?.completion_tokens ?? 0 },
      latency_ms: 0,
      attempts: 1,
    },
  };
}
