/**
 * Regex checks run on judged text, and a pattern with nested quantifiers (`(a+)+$`) can backtrack
 * for longer than any run should wait. Patterns that could do so (a quantified group that itself
 * holds a quantifier or an alternation, or a backreference) run inside a vm context with a time
 * limit; all others run directly, as the limit costs a watchdog thread per call. A pattern that
 * hits the limit fails its check with a reason instead of hanging the run.
 */
import vm from "node:vm";

export const REGEX_TIME_LIMIT_MS = 200;

/** Index after the character class that opens at `i`. */
function skipClass(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === "^") j++;
  if (p[j] === "]") j++;
  for (; j < p.length; j++) {
    if (p[j] === "\\") j++;
    else if (p[j] === "]") return j + 1;
  }
  return j;
}

/** Whether a repeating quantifier (`*`, `+`, `{n,…}`) starts at `i`; `?` repeats at most once. */
function repeats(p: string, i: number): boolean {
  return p[i] === "*" || p[i] === "+" || (p[i] === "{" && /^\{\d+(,\d*)?\}/.test(p.slice(i, i + 24)));
}

/** Could this pattern backtrack exponentially? Errs on the side of yes. */
export function isRisky(pattern: string): boolean {
  if (/\\[1-9]|\\k</.test(pattern)) return true;
  // One frame per open group: does it hold a quantifier or an alternation?
  const ambiguous: boolean[] = [false];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") i++;
    else if (ch === "[") i = skipClass(pattern, i) - 1;
    else if (ch === "(") {
      ambiguous.push(false);
      // `(?:`, `(?=`, `(?<name>`: the `?` opens the group, it is not a quantifier.
      if (pattern[i + 1] === "?") i++;
    } else if (ch === ")") {
      const inner = ambiguous.pop() ?? false;
      if (ambiguous.length === 0) ambiguous.push(false);
      if (inner && repeats(pattern, i + 1)) return true;
      if (inner || repeats(pattern, i + 1) || pattern[i + 1] === "?") ambiguous[ambiguous.length - 1] = true;
    } else if (ch === "|" || ch === "*" || ch === "+" || ch === "?" || ch === "{") {
      ambiguous[ambiguous.length - 1] = true;
    }
  }
  return false;
}

const sandbox = vm.createContext({ re: /$^/, s: "" });
const script = new vm.Script("re.test(s)");

/** `re.test(text)`, or null when a risky pattern ran past the time limit. */
export function testPattern(re: RegExp, text: string, risky: boolean): boolean | null {
  re.lastIndex = 0;
  if (!risky) return re.test(text);
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
