/**
 * The one error a judge call can end with, whatever the provider: what went wrong in words a
 * user can act on, whether trying again may help, and whether the run should stop.
 */
import { RulersError } from "../util/errors.js";
import { redactUrls } from "../util/redact.js";

export type JudgeErrorKind =
  | "auth"
  | "rate_limit"
  | "server"
  | "timeout"
  | "connection"
  | "bad_request"
  | "not_found"
  | "aborted"
  | "budget";

export interface JudgeCallErrorDetails {
  /** Trying again later may succeed (the SDK already retried `maxRetries` times). */
  readonly retryable?: boolean;
  readonly attempts?: number;
  /** Stops the run whatever the kind (a request no item can make, e.g. a schema the provider cannot express). */
  readonly fatal?: boolean;
}

export class JudgeCallError extends RulersError {
  readonly retryable: boolean;
  readonly attempts: number;
  private readonly stops: boolean;
  constructor(
    readonly kind: JudgeErrorKind,
    message: string,
    readonly status?: number,
    details: JudgeCallErrorDetails = {},
  ) {
    // These messages reach records and stderr: no credentials from --base-url or a server's echo.
    super(redactUrls(message), { code: `judge_${kind}` });
    this.retryable =
      details.retryable ?? (kind === "rate_limit" || kind === "server" || kind === "timeout" || kind === "connection");
    this.attempts = details.attempts ?? 1;
    this.stops = details.fatal ?? false;
  }
  /** Errors that will not go away by trying other items: the run should stop. */
  get fatal(): boolean {
    return (
      this.stops ||
      this.kind === "auth" ||
      this.kind === "not_found" ||
      this.kind === "connection" ||
      (this.kind === "rate_limit" && !this.retryable)
    );
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed by the server",
};

/** What went wrong on the network, in words: the system error code if any, else the innermost message. */
export function networkProblem(err: unknown): string {
  // fetch wraps the system error: APIConnectionError → TypeError("fetch failed") → Error{code}.
  let e: unknown = err;
  let innermost = (err as Error)?.message ?? String(err);
  for (let depth = 0; depth < 4 && e !== null && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return NETWORK_CODES[code] ?? code;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && message) innermost = message;
    e = (e as { cause?: unknown }).cause;
  }
  return innermost.replace(/\.$/, "");
}

export interface HttpFailure {
  readonly status: number;
  /** The server's own message, one line. */
  readonly detail: string;
  /** Provider error code where it has one (`insufficient_quota`). */
  readonly code?: string | null;
}

export interface DescribeContext {
  /** Where the calls go, as shown to the user. */
  readonly at: string;
  readonly attempts: number;
  readonly keyMissing: boolean;
  /** The environment variable the key is read from, for the 401 hint. */
  readonly keyEnv: string;
}

/** Words for a parameter the server refused, so the user knows which setting to change. */
function rejectedSetting(detail: string): string | null {
  const m =
    /(thinkingConfig|responseJsonSchema|responseSchema|output_config|reasoning_effort|max_completion_tokens|max_tokens|temperature|seed|thinking|effort|response_format|tool_choice|json_schema)/i.exec(
      detail,
    );
  return m ? m[1]! : null;
}

/** An HTTP error status turned into a JudgeCallError, the same words for every provider. */
export function describeStatus(f: HttpFailure, c: DescribeContext): JudgeCallError {
  const { status, detail } = f;
  const d = { attempts: c.attempts };
  const tries = c.attempts > 1 ? ` after ${c.attempts} attempts` : "";
  if (status === 401) {
    const none = c.keyMissing ? ": none was given" : "";
    return new JudgeCallError(
      "auth",
      `the API key was rejected (401)${none}; set ${c.keyEnv} or --api-key-env`,
      status,
      d,
    );
  }
  if (status === 403)
    return new JudgeCallError(
      "auth",
      `the API key is not allowed to do this (403: ${detail}); check the key's project and model access`,
      status,
      d,
    );
  if (status === 404)
    return new JudgeCallError(
      "not_found",
      `the endpoint or model was not found (404: ${detail}); check --base-url, --provider and --model`,
      status,
      d,
    );
  if (status === 429) {
    if (f.code === "insufficient_quota")
      return new JudgeCallError(
        "rate_limit",
        `the account is out of quota (429: ${detail}); check the plan and billing`,
        status,
        { ...d, retryable: false },
      );
    return new JudgeCallError(
      "rate_limit",
      `rate limited by ${c.at}${tries} (429: ${detail}); lower --concurrency or try again later`,
      status,
      d,
    );
  }
  if (status === 408)
    return new JudgeCallError("timeout", `${c.at} timed out the request${tries} (408: ${detail})`, status, d);
  if (status >= 500 || status === 409 || status === 529)
    return new JudgeCallError("server", `${c.at} failed${tries} (${status}: ${detail})`, status, d);
  const setting = status === 400 ? rejectedSetting(detail) : null;
  if (setting && /not supported|unsupported|does not support|not allowed|invalid|unknown/i.test(detail))
    return new JudgeCallError(
      "bad_request",
      `the model does not accept \`${setting}\` as sent (${status}: ${detail}); change the rubric's judge block, override it on the command line, or describe the model in a --capabilities file`,
      status,
      d,
    );
  return new JudgeCallError("bad_request", `${c.at} refused the request (${status}: ${detail})`, status, d);
}

export function timeoutError(c: DescribeContext): JudgeCallError {
  const tries = c.attempts > 1 ? ` after ${c.attempts} attempts` : "";
  return new JudgeCallError(
    "timeout",
    `${c.at} did not answer in time${tries}; raise --timeout-s or lower --concurrency`,
    undefined,
    { attempts: c.attempts },
  );
}

export function connectionError(err: unknown, c: DescribeContext): JudgeCallError {
  const tries = c.attempts > 1 ? ` after ${c.attempts} attempts` : "";
  return new JudgeCallError(
    "connection",
    `cannot reach ${c.at} (${networkProblem(err)})${tries}; check --base-url and that the server is running`,
    undefined,
    { attempts: c.attempts },
  );
}

/** One line of a server's message, capped: it goes into errors and records. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").slice(0, 200);
}
