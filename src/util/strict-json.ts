/**
 * A strict JSON reader for files whose hash or signature is checked (bundles, locks, signatures).
 *
 * JSON.parse keeps the last of two equal keys, turns `1e400` into Infinity and overflows the
 * stack on deep nesting; another reader may take the first key instead, so two programs could
 * read different content from one hashed file. Here every such case is an error naming line and
 * column: duplicate keys, the key `__proto__` (which assignment-based copies silently drop),
 * numbers outside the double range, nesting deeper than `MAX_DEPTH`, and anything RFC 8259 does
 * not allow. Objects come back with a null prototype, so a key such as `constructor` is looked up
 * as data and never finds Object's members.
 */

export const MAX_DEPTH = 512;

export class StrictJsonError extends SyntaxError {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${reason} at line ${line} column ${column}`);
    this.name = "StrictJsonError";
  }
}

const LITERALS: readonly [string, unknown][] = [
  ["true", true],
  ["false", false],
  ["null", null],
];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseStrictJson(text: string): unknown {
  let i = 0;
  const n = text.length;

  const fail = (reason: string, at = i): never => {
    let line = 1;
    let lineStart = 0;
    for (let k = text.indexOf("\n"); k !== -1 && k < at; k = text.indexOf("\n", k + 1)) {
      line++;
      lineStart = k + 1;
    }
    throw new StrictJsonError(line, at - lineStart + 1, reason);
  };

  const end = <T>(v: T): T => {
    i++;
    return v;
  };

  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const string = (): string => {
    const start = ++i;
    let plain = true;
    for (;;) {
      if (i >= n) fail("unterminated string", start - 1);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail("raw control character in a string (escape it)");
      if (c === 0x5c) {
        plain = false;
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("bad \\u escape");
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail(`unknown escape \\${e ?? ""}`);
        i += 2;
        continue;
      }
      i++;
    }
    const raw = text.slice(start, i++);
    return plain ? raw : (JSON.parse(`"${raw}"`) as string);
  };

  const value = (depth: number): unknown => {
    ws();
    if (i >= n) fail("unexpected end of input");
    const c = text[i];
    if (c === "{" || c === "[") {
      if (depth >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
      return c === "{" ? object(depth + 1) : array(depth + 1);
    }
    if (c === '"') return string();
    for (const [word, v] of LITERALS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail(`unexpected character ${JSON.stringify(c)}`);
    const v = Number(m![0]);
    if (!Number.isFinite(v)) fail(`number ${m![0]} is outside the range of a double`);
    i += m![0].length;
    return v;
  };

  const object = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = Object.create(null);
    i++;
    ws();
    if (text[i] === "}") return end(out);
    for (;;) {
      ws();
      if (text[i] !== '"') fail("expected a key in double quotes");
      const at = i;
      const key = string();
      if (key === "__proto__") fail("the key `__proto__` is not allowed", at);
      if (Object.hasOwn(out, key)) fail(`duplicate key ${JSON.stringify(key)}`, at);
      ws();
      if (text[i] !== ":") fail("expected `:` after a key");
      i++;
      out[key] = value(depth);
      ws();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") return end(out);
      fail("expected `,` or `}` in an object");
    }
  };

  const array = (depth: number): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === "]") return end(out);
    for (;;) {
      out.push(value(depth));
      ws();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") return end(out);
      fail("expected `,` or `]` in an array");
    }
  };

  // A byte-order mark is not JSON; editors add it, so say so rather than "unexpected character".
  if (text.charCodeAt(0) === 0xfeff) fail("the file starts with a byte-order mark; save it without one", 0);
  const result = value(0);
  ws();
  if (i < n) fail("unexpected text after the JSON value");
  return result;
}
