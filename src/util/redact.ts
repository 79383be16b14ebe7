/**
 * Credentials in URLs (`https://user:pass@host/`, `?api-key=…`, `?key=…`) must not reach error
 * messages, records or stderr: people paste those, and records are shared. One place decides
 * what is secret; callers pass any text that may hold a URL through `redactUrls`.
 */

const SECRET_PARAM =
  /^(?:api[-_]?key|key|token|access[-_]?token|auth|authorization|secret|client[-_]?secret|password|pass|pwd|sig|signature|x-amz-signature|x-goog-signature|code)$/i;
const HIDDEN = "***";

/** The URL with its user name, password and secret-looking query values replaced by `***`. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not parseable: still drop anything that looks like `scheme://user:pass@`.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, `$1${HIDDEN}@`);
  }
  let changed = false;
  if (u.username || u.password) {
    u.username = HIDDEN;
    u.password = "";
    changed = true;
  }
  for (const name of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      u.searchParams.set(name, HIDDEN);
      changed = true;
    }
  }
  return changed ? u.href.replaceAll(encodeURIComponent(HIDDEN), HIDDEN) : url;
}

/** Every http(s) URL inside `text`, redacted. */
export function redactUrls(text: string): string {
  if (!text.includes("://")) return text;
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s`'"<>)\]]+/gi, (m) => redactUrl(m));
}
