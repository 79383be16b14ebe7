/**
 * The SDK sleeps for whatever `retry-after` / `retry-after-ms` a server sends, so `Retry-After:
 * 3600` would stall a run for an hour without a word. Waits up to `MAX_RETRY_AFTER_MS` are kept;
 * a longer one turns off the SDK's retry for that answer (`x-should-retry: false`), so the call
 * fails now and its error says how long the server asked to wait (`retryAfterNote`).
 */

export const MAX_RETRY_AFTER_MS = 60_000;

/** The wait a response asks for, read as the SDK reads it; null when it asks for none. */
export function retryAfterMs(headers: Headers): number | null {
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (!Number.isNaN(ms) && ms > 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return null;
  const s = Number.parseFloat(value);
  if (!Number.isNaN(s)) return s * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at - Date.now();
}

/** Wrap a transport so no answer can make the SDK wait longer than the cap. */
export function capRetryAfter(transport: typeof fetch, maxMs = MAX_RETRY_AFTER_MS): typeof fetch {
  return async (input, init) => {
    const res = await transport(input, init);
    const wait = retryAfterMs(res.headers);
    if (wait === null || wait <= maxMs) return res;
    const headers = new Headers(res.headers);
    headers.set("x-should-retry", "false");
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  };
}

/** For an error message: `; the server asked to wait 3600 s, longer than the 60 s rulers waits`. */
export function retryAfterNote(headers: Headers | undefined, maxMs = MAX_RETRY_AFTER_MS): string {
  const wait = headers ? retryAfterMs(headers) : null;
  if (wait === null || wait <= maxMs) return "";
  return `; the server asked to wait ${Math.round(wait / 1000)} s, longer than the ${maxMs / 1000} s rulers waits`;
}
