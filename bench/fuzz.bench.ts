/**
 * The long fuzz run: 100,000 inputs (random bytes, random sequences of the language's words,
 * and mutations of the example rubrics) through the compiled compiler. Every input must give
 * diagnostics or a bundle: an exception or a case slower than 2 s counts as a failure.
 * Run: npm run bench fuzz   (CASES=… to change the count)
 */
import { readdirSync, readFileSync } from "node:fs";
import { buildBundle } from "../dist/bundle/build.js";
import { compileSource } from "../dist/compile/index.js";
import { mutateSource, TOKENS_OF_THE_LANGUAGE } from "../tests/helpers/mutate.js";

const CASES = Number(process.env.CASES ?? 100_000);
const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".rubric"))
  .map((f) => readFileSync(`examples/${f}`, "utf8"));
let seed = 0x2545f491;
const rand = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const int = (n: number) => Math.floor(rand() * n);
const noImports = () => {
  throw Object.assign(new Error("no imports while fuzzing"), { code: "ENOENT" });
};

function input(i: number): string {
  switch (i % 3) {
    case 0:
      return Array.from({ length: int(300) }, () => String.fromCharCode(int(0x3000))).join("");
    case 1:
      return Array.from({ length: int(120) }, () => TOKENS_OF_THE_LANGUAGE[int(TOKENS_OF_THE_LANGUAGE.length)]).join(
        " ",
      );
    default:
      return mutateSource(
        examples[int(examples.length)]!,
        Array.from({ length: 1 + int(8) }, () => int(2 ** 31)),
      );
  }
}

let failures = 0,
  bundles = 0,
  diagnostics = 0,
  slowest = 0;
const start = performance.now();
for (let i = 0; i < CASES; i++) {
  const text = input(i);
  const t = performance.now();
  try {
    const r = compileSource(text, "fuzz.rubric", { readImport: noImports });
    if (r.ir) {
      buildBundle(r.ir);
      bundles++;
    } else diagnostics++;
  } catch (err) {
    failures++;
    if (failures <= 5) console.log(`case ${i} threw: ${(err as Error).stack}\n--- input ---\n${text.slice(0, 500)}`);
  }
  const dt = performance.now() - t;
  slowest = Math.max(slowest, dt);
  if (dt > 2000) failures++;
}
const secs = (performance.now() - start) / 1000;
console.log(
  `fuzz: ${CASES} cases in ${secs.toFixed(1)} s — ${bundles} compiled, ${diagnostics} rejected with diagnostics, ${failures} failures; slowest case ${slowest.toFixed(1)} ms`,
);
process.exitCode = failures ? 1 : 0;
