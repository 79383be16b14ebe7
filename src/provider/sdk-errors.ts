/**
 * The OpenAI and Anthropic SDKs share one error family (abort, timeout, connection, status);
 * this turns either into a JudgeCallError with the same words.
 */

import { retryAfterNote } from "../util/retry-after.js";
import {
  connectionError,
  type DescribeContext,
  describeStatus,
  JudgeCallError,
  oneLine,
  timeoutError,
} from "./errors.js";

type Ctor = abstract new (...args: never[]) => Error;

export interface SdkErrorClasses {
  readonly APIUserAbortError: Ctor;
  readonly APIConnectionTimeoutError: Ctor;
  readonly APIConnectionError: Ctor;
  readonly APIError: Ctor;
}

export function describeSdkError(err: unknown, sdk: SdkErrorClasses | null, c: DescribeContext): JudgeCallError {
  if (err instanceof JudgeCallError) return err;
  const d = { attempts: c.attempts };
  // Before the SDK is loaded only a cancelled call can fail.
  if ((err as Error)?.name === "APIUserAbortError")
    return new JudgeCallError("aborted", "the call was cancelled", undefined, d);
  if (sdk === null) return connectionError(err, c);
  if (err instanceof sdk.APIUserAbortError)
    return new JudgeCallError("aborted", "the call was cancelled", undefined, d);
  if (err instanceof sdk.APIConnectionTimeoutError) return timeoutError(c);
  // A body over the transport's cap is the server's fault and will not shrink on a retry.
  if (err instanceof sdk.APIConnectionError && (err.cause as Error | undefined)?.name === "ResponseTooLargeError")
    return new JudgeCallError("server", `${c.at}: ${(err.cause as Error).message}`, undefined, {
      ...d,
      retryable: false,
    });
  if (err instanceof sdk.APIConnectionError) return connectionError(err, c);
  if (err instanceof sdk.APIError) {
    const e = err as Error & { status?: number; error?: unknown; code?: unknown; headers?: Headers };
    // OpenAI nests {message} in `error`; Anthropic nests {error: {message}}.
    const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
    const inner = typeof body?.message === "string" ? body.message : body?.error?.message;
    const detail = oneLine(typeof inner === "string" && inner ? inner : e.message || "") + retryAfterNote(e.headers);
    return describeStatus({ status: e.status ?? 0, detail, code: typeof e.code === "string" ? e.code : null }, c);
  }
  return new JudgeCallError(
    "connection",
    `the call to ${c.at} failed: ${(err as Error)?.message ?? String(err)}`,
    undefined,
    d,
  );
}
