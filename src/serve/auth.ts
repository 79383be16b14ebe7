/**
 * Bearer-token auth. A server bound to anything but loopback must have a token (a reward server
 * open to a network decides what a policy is trained towards); on loopback it is optional.
 * Tokens are compared in constant time, through their digests so lengths leak nothing either.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { ServeError } from "./errors.js";

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h.startsWith("::ffff:127.");
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export function bearerCheck(token: string | undefined): (header: string | undefined) => void {
  if (token === undefined) return () => {};
  const expected = digest(token);
  return (header) => {
    const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!m) throw new ServeError("unauthorized", "send `Authorization: Bearer <token>`; this server requires a token");
    if (!timingSafeEqual(digest(m[1]!), expected)) throw new ServeError("unauthorized", "the bearer token is wrong");
  };
}
