/**
 * A client for `rulers serve` with no dependencies (the platform's `fetch`): rewards, run
 * records, bundles and health, errors as `RulersError` with the server's stable code, and
 * retries that honour `Retry-After` for the codes that say to come back later.
 */

export interface RewardItem {
  readonly id?: string | number;
  readonly [input: string]: unknown;
}

export interface RewardOptions {
  readonly bundle?: string;
  /** Refuse to be scored by anything but this hash. */
  readonly bundleHash?: string;
  readonly score?: "raw" | "calibrated";
  readonly normalize?: boolean;
  /** The reward of an item that could not be judged (else such a request fails with `items_failed`). */
  readonly failedReward?: number;
  readonly details?: boolean;
  readonly deadlineMs?: number;
}

export interface FailedItem {
  readonly index: number;
  readonly id: string;
  readonly reason: string;
  readonly message: string;
}

export interface RewardAnswer {
  readonly bundle: string;
  readonly bundle_hash: string;
  readonly score: "raw" | "calibrated";
  readonly calibrator?: string;
  readonly normalized: boolean;
  readonly rewards: number[];
  readonly failed?: FailedItem[];
  readonly failed_reward?: number;
  readonly details?: Record<string, unknown>[];
}

export interface ServedBundleInfo {
  readonly bundle: string;
  readonly bundle_hash: string;
  readonly title: string;
  readonly mode: string;
  readonly inputs: string[];
  readonly scale: Record<string, unknown>;
  readonly calibrator: { hash: string; human_scale: { min: number; max: number; step: number } } | null;
}

export interface ClientOptions {
  /** Default `http://127.0.0.1:8808`. */
  readonly url?: string;
  readonly bundle?: string;
  readonly token?: string;
  /** Attempts after the first for `queue_full`, `judge_unavailable`, `shutting_down` and unreachable servers (default 3). */
  readonly retries?: number;
  /** Longest wait between attempts, in ms (default 60000). */
  readonly maxWaitMs?: number;
  readonly fetch?: typeof fetch;
}

const RETRYABLE = new Set(["queue_full", "judge_unavailable", "shutting_down", "unreachable"]);

export class RulersError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly body: Record<string, unknown> = {},
    readonly retryAfterS?: number,
  ) {
    super(`${code}: ${message}`);
    this.name = "RulersError";
  }
}

export class RulersClient {
  readonly url: string;
  private readonly opts: ClientOptions;

  constructor(opts: ClientOptions = {}) {
    this.opts = opts;
    this.url = (opts.url ?? "http://127.0.0.1:8808").replace(/\/+$/, "");
  }

  health(): Promise<{ status: string; queue_depth: number }> {
    return this.request("GET", "/healthz");
  }

  async bundles(): Promise<ServedBundleInfo[]> {
    return (await this.request<{ bundles: ServedBundleInfo[] }>("GET", "/v1/bundles")).bundles;
  }

  reward(items: readonly RewardItem[], opts: RewardOptions = {}): Promise<RewardAnswer> {
    const body: Record<string, unknown> = { bundle: this.bundleOf(opts.bundle), items };
    if (opts.bundleHash !== undefined) body.bundle_hash = opts.bundleHash;
    if (opts.score !== undefined) body.score = opts.score;
    if (opts.normalize !== undefined) body.normalize = opts.normalize;
    if (opts.failedReward !== undefined) body.failed_reward = opts.failedReward;
    if (opts.details) body.details = true;
    if (opts.deadlineMs !== undefined) body.deadline_ms = opts.deadlineMs;
    return this.request("POST", "/v1/reward", body);
  }

  async rewards(items: readonly RewardItem[], opts: RewardOptions = {}): Promise<number[]> {
    return (await this.reward(items, opts)).rewards;
  }

  /** One run record per row: the contract of `rulers judge`'s run.jsonl. */
  async score(
    rows: readonly RewardItem[],
    opts: Pick<RewardOptions, "bundle" | "bundleHash" | "deadlineMs"> = {},
  ): Promise<Record<string, unknown>[]> {
    const body: Record<string, unknown> = { bundle: this.bundleOf(opts.bundle), rows };
    if (opts.bundleHash !== undefined) body.bundle_hash = opts.bundleHash;
    if (opts.deadlineMs !== undefined) body.deadline_ms = opts.deadlineMs;
    return (await this.request<{ records: Record<string, unknown>[] }>("POST", "/v1/score", body)).records;
  }

  private bundleOf(bundle: string | undefined): string {
    const ref = bundle ?? this.opts.bundle;
    if (!ref) throw new TypeError("say which bundle: `bundle: 'id@version'` in the options or the client");
    return ref;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const doFetch = this.opts.fetch ?? fetch;
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    const retries = this.opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let err: RulersError;
      try {
        const res = await doFetch(this.url + path, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        if (res.ok && json !== undefined) return json as T;
        const e = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
        const retry = Number(res.headers.get("retry-after"));
        err = new RulersError(
          typeof e?.code === "string" ? e.code : "http_error",
          typeof e?.message === "string" ? e.message : `HTTP ${res.status}: ${text.slice(0, 200)}`,
          res.status,
          (json as Record<string, unknown>) ?? {},
          Number.isFinite(retry) && res.headers.has("retry-after") ? retry : undefined,
        );
      } catch (e) {
        if (e instanceof RulersError) throw e;
        err = new RulersError("unreachable", `cannot reach ${this.url} (${(e as Error).message})`, 0, {}, 1);
      }
      if (attempt >= retries || !RETRYABLE.has(err.code)) throw err;
      const waitMs = Math.min(this.opts.maxWaitMs ?? 60_000, (err.retryAfterS ?? 2 ** attempt) * 1000);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
