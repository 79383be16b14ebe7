/**
 * Regex checks on judged text: native RegExp (backtracking, what rubrics ran on before issue 13)
 * against the bounded matcher (`compilePattern`: RE2JS, linear time, or a vm with a hard limit).
 * Ordinary patterns on ordinary text show what the bound costs; hostile pairs show what it buys
 * (native times for those are given for small inputs only, as they grow without bound).
 * Run: npm run bench regex
 */
import { compilePattern } from "../dist/score/safe-regex.js";

const words = "the essay argues that libraries should keep every book because readers choose what they read".split(" ");
const text = Array.from({ length: 2000 }, (_, k) => words[(k * 7) % words.length]).join(" ");

function time(f: () => unknown, minMs = 300): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    f();
    n++;
  }
  return ((performance.now() - t0) * 1000) / n;
}

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`);

console.log("ordinary patterns, 2,000-word text (µs per test):");
console.log("| pattern | native | bounded | engine |");
for (const [p, f] of [
  ["\\d{3}-\\d{4}", ""],
  ["\\bas an ai\\b", "i"],
  ["^(yes|no)\\b", "m"],
  ["\\[(\\d+)\\]", ""],
  ["censorship\\s+harms", ""],
  ["(\\w+)\\s\\1", ""],
] as const) {
  const re = new RegExp(p, f);
  const c = compilePattern(p, f);
  console.log(
    `| \`/${p}/${f}\` | ${fmt(time(() => re.test(text)))} | ${fmt(time(() => c.test(text)))} | ${c.engine} |`,
  );
}

console.log("\nhostile patterns:");
console.log("| pattern | input | native | bounded | answer |");
for (const [p, input, nativeInput] of [
  ["[^](a+)+$", `x${"a".repeat(100_000)}!`, `x${"a".repeat(22)}!`],
  [".*.*.*.*.*x", "a".repeat(100_000), "a".repeat(30)],
  ["^(a|aa)+$", `${"a".repeat(100_000)}!`, `${"a".repeat(30)}!`],
  ["^(a+)+\\1$", `${"a".repeat(40)}!`, `${"a".repeat(22)}!`],
] as const) {
  const re = new RegExp(p);
  const c = compilePattern(p, "");
  const tn = performance.now();
  re.test(nativeInput);
  const native = performance.now() - tn;
  const tb = performance.now();
  const answer = c.test(input);
  const bounded = performance.now() - tb;
  console.log(
    `| \`/${p}/\` | ${input.length.toLocaleString("en")} chars | ${native.toFixed(0)} ms on ${nativeInput.length} chars | ${bounded.toFixed(0)} ms (${c.engine}) | ${answer === null ? "timed out" : answer} |`,
  );
}
