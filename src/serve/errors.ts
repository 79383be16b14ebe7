/**
 * Every error the server answers with: a stable code a client can branch on, the HTTP status it
 * travels with, and a message a person can act on. Codes never change meaning once published
 * (docs/serve.md lists them); messages may be reworded.
 */
import { RulersError } from "../util/errors.js";

export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_rows: 400,
  no_calibrator: 400,
  unauthorized: 401,
  budget_exhausted: 402,
  not_found: 404,
  bundle_not_locked: 404,
  bundle_not_served: 404,
  method_not_allowed: 405,
  bundle_hash_mismatch: 409,
  body_too_large: 413,
  too_many_items: 413,
  unsupported_media_type: 415,
  items_failed: 422,
  queue_full: 429,
  internal: 500,
  judge_unavailable: 503,
  shutting_down: 503,
  deadline_exceeded: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ServeError extends RulersError {
  readonly status: number;
  constructor(
    override readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Seconds a client should wait before trying again (sent as `Retry-After`). */
    readonly retryAfter?: number,
  ) {
    super(message, { code });
    this.name = "ServeError";
    this.status = ERROR_STATUS[code];
  }

  toJSON(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.retryAfter !== undefined ? { retry_after_s: this.retryAfter } : {}),
        ...this.details,
      },
    };
  }
}

/** A problem with how the server was started (a flag, a file): reported before it listens. */
export class ConfigError extends RulersError {
  override readonly code: string = "serve_config";
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
