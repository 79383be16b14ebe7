/**
 * Local fakes of the OpenAI Batch API (Files upload + Batches, output and error files) and
 * Anthropic Message Batches (create, retrieve, results JSONL), as their API references describe
 * them (tests/fixtures/providers/openai-batch.json, anthropic-batch.json). A batch reports
 * "in progress" for the first `polls` retrievals, then finishes; each request is answered by the
 * script from its body, or fails when the script says `{ fail }`.
 */
import { anthropicMessage, listen, sendJson } from "./fake-providers.js";

export type BatchReply = { json: unknown } | { fail: string };
export type BatchScript = (body: any, customId: string) => BatchReply;

export interface FakeBatches {
  readonly baseURL: string;
  /** Every HTTP request: method and path. */
  readonly log: string[];
  readonly batches: Map<string, { requests: { custom_id: string; body: any }[]; polls: number }>;
  close(): Promise<void>;
}

let ids = 0;
const now = () => Math.floor(Date.now() / 1000);

function chatCompletion(body: any, json: unknown) {
  const content = JSON.stringify(json);
  return {
    id: `chatcmpl-batch${++ids}`,
    object: "chat.completion",
    created: now(),
    model: body.model,
    system_fingerprint: "fp_batch",
    choices: [
      { index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop", logprobs: null },
    ],
    usage: { prompt_tokens: 100, completion_tokens: Math.ceil(content.length / 4), total_tokens: 0 },
  };
}

export async function startFakeOpenAIBatches(script: BatchScript, opts: { polls?: number } = {}): Promise<FakeBatches> {
  const files = new Map<string, string>();
  const batches = new Map<string, { requests: { custom_id: string; body: any }[]; polls: number; meta: any }>();
  const log: string[] = [];
  const s = await listen(async (req, res, raw) => {
    const path = (req.url ?? "").split("?")[0]!;
    log.push(`${req.method} ${path}`);
    if (req.method === "POST" && path === "/v1/files") {
      // multipart/form-data, parsed the way any server would.
      const form = await new Request("http://fake/", {
        method: "POST",
        headers: { "content-type": String(req.headers["content-type"]) },
        body: raw,
      }).formData();
      const file = form.get("file") as File;
      const id = `file-${++ids}`;
      files.set(id, await file.text());
      return sendJson(res, 200, {
        id,
        object: "file",
        bytes: file.size,
        created_at: now(),
        filename: file.name,
        purpose: form.get("purpose"),
        status: "processed",
      });
    }
    if (req.method === "POST" && path === "/v1/batches") {
      const body = JSON.parse(raw.toString("utf8"));
      const text = files.get(body.input_file_id);
      if (text === undefined)
        return sendJson(res, 400, {
          error: { message: `No file with id ${body.input_file_id}`, type: "invalid_request_error" },
        });
      const requests = text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .map((l) => ({ custom_id: l.custom_id, body: l.body }));
      const id = `batch_${++ids}`;
      const meta = { ...body, id, created_at: now() };
      batches.set(id, { requests, polls: 0, meta });
      return sendJson(res, 200, openaiBatch(meta, "validating", requests.length, null, null, 0, 0));
    }
    const b = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (req.method === "GET" && b) {
      const batch = batches.get(b[1]!);
      if (!batch) return sendJson(res, 404, { error: { message: "No such batch", type: "invalid_request_error" } });
      batch.polls++;
      if (batch.polls <= (opts.polls ?? 1))
        return sendJson(res, 200, openaiBatch(batch.meta, "in_progress", batch.requests.length, null, null, 0, 0));
      const out: string[] = [];
      const errors: string[] = [];
      for (const r of batch.requests) {
        const reply = script(r.body, r.custom_id);
        if ("fail" in reply)
          errors.push(
            JSON.stringify({
              id: `batch_req_${++ids}`,
              custom_id: r.custom_id,
              response: {
                status_code: 500,
                request_id: "req",
                body: { error: { message: reply.fail, type: "server_error" } },
              },
              error: null,
            }),
          );
        else
          out.push(
            JSON.stringify({
              id: `batch_req_${++ids}`,
              custom_id: r.custom_id,
              response: { status_code: 200, request_id: "req", body: chatCompletion(r.body, reply.json) },
              error: null,
            }),
          );
      }
      const outId = `file-out-${b[1]}`;
      files.set(outId, out.length ? `${out.join("\n")}\n` : "");
      let errId: string | null = null;
      if (errors.length) {
        errId = `file-err-${b[1]}`;
        files.set(errId, `${errors.join("\n")}\n`);
      }
      return sendJson(
        res,
        200,
        openaiBatch(batch.meta, "completed", batch.requests.length, outId, errId, out.length, errors.length),
      );
    }
    const f = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (req.method === "GET" && f) {
      const text = files.get(f[1]!);
      if (text === undefined) return sendJson(res, 404, { error: { message: "No such file" } });
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end(text);
    }
    sendJson(res, 404, { error: { message: `unknown url ${req.method} ${path}`, type: "invalid_request_error" } });
  });
  return { baseURL: `${s.url}/v1`, log, batches, close: s.close };
}

function openaiBatch(
  meta: any,
  status: string,
  total: number,
  out: string | null,
  err: string | null,
  ok: number,
  failed: number,
) {
  return {
    id: meta.id,
    object: "batch",
    endpoint: meta.endpoint,
    errors: null,
    input_file_id: meta.input_file_id,
    completion_window: meta.completion_window,
    status,
    output_file_id: out,
    error_file_id: err,
    created_at: meta.created_at,
    request_counts: { total, completed: ok, failed },
    metadata: meta.metadata ?? null,
  };
}

export async function startFakeAnthropicBatches(
  script: BatchScript,
  opts: { polls?: number } = {},
): Promise<FakeBatches> {
  const batches = new Map<string, { requests: { custom_id: string; body: any }[]; polls: number; created: string }>();
  const log: string[] = [];
  let base = "";
  const view = (id: string, ended: boolean, n: number, ok: number, bad: number) => ({
    id,
    type: "message_batch",
    processing_status: ended ? "ended" : "in_progress",
    request_counts: { processing: ended ? 0 : n, succeeded: ok, errored: bad, canceled: 0, expired: 0 },
    ended_at: ended ? new Date().toISOString() : null,
    created_at: batches.get(id)!.created,
    expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    archived_at: null,
    cancel_initiated_at: null,
    results_url: ended ? `${base}/v1/messages/batches/${id}/results` : null,
  });
  const s = await listen((req, res, raw) => {
    const path = (req.url ?? "").split("?")[0]!;
    log.push(`${req.method} ${path}`);
    if (req.method === "POST" && path === "/v1/messages/batches") {
      const body = JSON.parse(raw.toString("utf8"));
      for (const r of body.requests) {
        if (!/^[a-zA-Z0-9_-]{1,64}$/.test(r.custom_id))
          return sendJson(res, 400, {
            type: "error",
            error: {
              type: "invalid_request_error",
              message: `requests.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`,
            },
          });
      }
      const id = `msgbatch_${++ids}`;
      batches.set(id, {
        requests: body.requests.map((r: any) => ({ custom_id: r.custom_id, body: r.params })),
        polls: 0,
        created: new Date().toISOString(),
      });
      return sendJson(res, 200, view(id, false, body.requests.length, 0, 0));
    }
    const results = /^\/v1\/messages\/batches\/([^/]+)\/results$/.exec(path);
    if (req.method === "GET" && results) {
      const batch = batches.get(results[1]!)!;
      const lines = batch.requests.map((r) => {
        const reply = script(r.body, r.custom_id);
        return JSON.stringify(
          "fail" in reply
            ? {
                custom_id: r.custom_id,
                result: {
                  type: "errored",
                  error: { type: "error", error: { type: "api_error", message: reply.fail } },
                },
              }
            : {
                custom_id: r.custom_id,
                result: { type: "succeeded", message: anthropicMessage(r.body, { json: reply.json }) },
              },
        );
      });
      res.writeHead(200, { "content-type": "application/binary" });
      return res.end(`${lines.join("\n")}\n`);
    }
    const b = /^\/v1\/messages\/batches\/([^/]+)$/.exec(path);
    if (req.method === "GET" && b) {
      const batch = batches.get(b[1]!);
      if (!batch)
        return sendJson(res, 404, { type: "error", error: { type: "not_found_error", message: "batch not found" } });
      batch.polls++;
      const ended = batch.polls > (opts.polls ?? 1);
      const fails = ended ? batch.requests.filter((r) => "fail" in script(r.body, r.custom_id)).length : 0;
      return sendJson(
        res,
        200,
        view(b[1]!, ended, batch.requests.length, ended ? batch.requests.length - fails : 0, fails),
      );
    }
    sendJson(res, 404, {
      type: "error",
      error: { type: "not_found_error", message: `unknown url ${req.method} ${path}` },
    });
  });
  base = s.url;
  return { baseURL: s.url, log, batches, close: s.close };
}
