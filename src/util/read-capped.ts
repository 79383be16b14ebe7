/**
 * Reading a user-named file that must be a regular file of bounded size. `stat().size` is 0 for
 * devices (`/dev/zero`, `/dev/urandom`), so a size check before `readFileSync` lets them grow
 * without end, and opening a FIFO blocks until someone writes to it. Here the file is opened
 * without blocking, checked to be a regular file on the open descriptor (no swap between check and
 * read), and read at most `maxBytes + 1` bytes, whatever the file claims.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { errnoOf } from "./errors.js";

export class ReadCappedError extends Error {
  constructor(
    readonly path: string,
    readonly reason: "not-a-file" | "too-large" | "unreadable",
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "ReadCappedError";
  }
}

function describeType(st: import("node:fs").Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** The file's bytes; throws ReadCappedError with a one-line message otherwise. */
export function readCappedBytes(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = errnoOf(err);
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (code ?? (err as Error).message);
    throw new ReadCappedError(path, "unreadable", why, code);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ReadCappedError(path, "not-a-file", `it is ${describeType(st)}, not a regular file`);
    if (st.size > maxBytes)
      throw new ReadCappedError(path, "too-large", `it is ${st.size} bytes, over the limit of ${maxBytes}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      // A file growing while we read (or lying about its size) still stops at the cap.
      if (total > maxBytes)
        throw new ReadCappedError(path, "too-large", `it holds more than ${maxBytes} bytes, over the limit`);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof ReadCappedError) throw err;
    const code = errnoOf(err);
    throw new ReadCappedError(path, "unreadable", code ?? (err as Error).message, code);
  } finally {
    closeSync(fd);
  }
}

/**
 * Offset (in UTF-16 units of the decoded text) of the first byte sequence that is not valid
 * UTF-8, or -1. The decoded text has U+FFFD there, so the offset points a diagnostic at it.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // Binary search the longest valid prefix: decoding is fast and this runs only on bad files.
    let lo = 0;
    let hi = bytes.length;
    const ok = (n: number) => {
      // A prefix may end inside a valid multi-byte character; allow up to 3 bytes of it.
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
        return true;
      } catch {
        return false;
      }
    };
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ok(mid)) lo = mid;
      else hi = mid - 1;
    }
    return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(0, lo), { stream: true }).length;
  }
}
