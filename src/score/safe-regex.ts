/**
 * Rubric regexes (`matches /…/` checks and JSON Schema `pattern`) run on judged text, which is
 * untrusted: a backtracking engine takes exponential time on `(a+)+$` and polynomial time on
 * `.*.*.*x`, blocking the event loop and every judge call in flight. So patterns run on RE2JS, a
 * linear-time engine, whenever it can express them with JavaScript's meaning. The rest
 * (backreferences, lookahead) run in a vm context with a hard time limit on every call; running
 * past it is reported, never waited out.
 *
 * JavaScript and RE2 disagree on a few classes, so the pattern is first rewritten in JavaScript
 * syntax with the JavaScript meaning spelled out: `\s`/`\S` include the Unicode spaces, and `.`
 * excludes `\r`, U+2028 and U+2029 as well as `\n`. With the `m` flag, `^` and `$` also treat
 * those as line ends in JavaScript, so such text goes to the time-limited path.
 */
import type { RE2JS } from "re2js";
import { lazy } from "../util/lazy.js";
import { re2jsPackage, vmModule } from "../util/packages.js";

export const REGEX_TIME_LIMIT_MS = 200;

/** JavaScript's `\s`, written for the inside of a character class. */
const SPACE_CHARS = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const NOT_LINE_END = "[^\\n\\r\\u2028\\u2029]";
const OTHER_LINE_ENDS = /[\r\u2028\u2029]/;

/**
 * The pattern with JavaScript's meaning of `\s`, `\S` and `.` made explicit, or null when it uses
 * something RE2 lacks (a backreference, lookahead) or cannot be rewritten (`\S` inside a class).
 */
export function linearSource(pattern: string, flags: string): string | null {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || (next === "k" && pattern[i + 2] === "<")) return null;
      i++;
      if (next === "s") out += inClass ? SPACE_CHARS : `[${SPACE_CHARS}]`;
      else if (next === "S") {
        if (inClass) return null;
        out += `[^${SPACE_CHARS}]`;
      } else out += ch + next;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      out += ch;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      out += ch;
      // `[]` and `[^]` are complete classes in JavaScript; a `]` right after `[` or `[^` closes.
      if (pattern[i + 1] === "^") out += pattern[++i];
      if (pattern[i + 1] === "]") {
        out += pattern[++i];
        inClass = false;
      }
      continue;
    }
    if (ch === "(" && pattern[i + 1] === "?" && (pattern[i + 2] === "=" || pattern[i + 2] === "!")) return null;
    if (ch === "." && !flags.includes("s")) out += NOT_LINE_END;
    else out += ch;
  }
  return out;
}

export interface CompiledPattern {
  /** Whether the pattern occurs in `text`; null when the time-limited path ran out of time. */
  test(text: string): boolean | null;
  /** `linear` (RE2JS) or `time-limited` (backtracking in a vm, cut off after the limit). */
  readonly engine: "linear" | "time-limited";
}

// A V8 context costs megabytes: made when the first pattern needs it, not when rulers is imported.
const vmRunner = lazy(() => ({
  sandbox: vmModule().createContext({ re: /$^/, s: "" }),
  script: new (vmModule().Script)("re.test(s)"),
}));

function timeLimited(re: RegExp, text: string): boolean | null {
  const { sandbox, script } = vmRunner();
  re.lastIndex = 0;
  sandbox.re = re;
  sandbox.s = text;
  try {
    return script.runInContext(sandbox, { timeout: REGEX_TIME_LIMIT_MS }) as boolean;
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return null;
    throw err;
  } finally {
    sandbox.s = "";
  }
}

/**
 * Compile a JavaScript pattern (throws SyntaxError like `new RegExp` when it is not one). `g` and
 * `y` are dropped: they make `test` stateful, and a check asks only whether the pattern occurs.
 */
export function compilePattern(pattern: string, flags: string): CompiledPattern {
  const jsFlags = flags.replace(/[gy]/g, "");
  const re = new RegExp(pattern, jsFlags);
  const source = linearSource(pattern, jsFlags);
  let linear: RE2JS | null = null;
  if (source !== null) {
    try {
      const { RE2JS } = re2jsPackage();
      linear = RE2JS.compile(RE2JS.translateRegExp(new RegExp(source, jsFlags)), RE2JS.LOOKBEHINDS);
    } catch {
      // Beyond RE2 (e.g. a repeat count over 1000): the time-limited path still answers.
      linear = null;
    }
  }
  if (linear === null) return { engine: "time-limited", test: (text) => timeLimited(re, text) };
  const l = linear;
  const multiline = jsFlags.includes("m");
  return {
    engine: "linear",
    test: (text) => (multiline && OTHER_LINE_ENDS.test(text) ? timeLimited(re, text) : l.test(text)),
  };
}

/** Raised inside JSON Schema validation when a `pattern` runs out of time. */
export class PatternTimeoutError extends Error {
  constructor(readonly pattern: string) {
    super(`the schema pattern \`${pattern}\` took too long on this input; simplify the pattern`);
    this.name = "PatternTimeoutError";
  }
}

/**
 * For ajv's `code.regExp` option, so JSON Schema `pattern` and `patternProperties` get the same
 * bound. Ajv compiles patterns with the `u` flag.
 */
export function schemaRegExp(pattern: string, flags: string): { test(text: string): boolean; toString(): string } {
  const p = compilePattern(pattern, flags);
  return {
    // Ajv keys its compiled patterns by `toString()`: without this every pattern would share one.
    toString: () => `/${pattern}/${flags}`,
    test(text: string): boolean {
      const found = p.test(text);
      if (found === null) throw new PatternTimeoutError(pattern);
      return found;
    },
  };
}
schemaRegExp.code = 'require("rulers/safe-regex").schemaRegExp';
