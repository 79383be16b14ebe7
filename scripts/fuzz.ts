/**
 * `npm run fuzz`: the long run of tests/helpers/fuzz-surfaces.ts, 100,000 cases per surface
 * (CASES=… to change, SURFACES=rows,labels to pick). A crash or silent acceptance is printed with
 * its seed and input and counted; a case slower than 2 s counts as a hang. Exit 1 on any.
 */
import { cleanupFuzzFiles, FuzzFailure, Rand, SURFACES } from "../tests/helpers/fuzz-surfaces.js";

const CASES = Number(process.env.CASES ?? 100_000);
const HANG_MS = 2000;
const wanted = process.env.SURFACES?.split(",").map((s) => s.trim());
let bad = 0;
for (const [name, run] of Object.entries(SURFACES) as [string, (r: Rand) => string][]) {
  if (wanted && !wanted.includes(name)) continue;
  const counts = { accepted: 0, rejected: 0, crashes: 0, "silent acceptances": 0, hangs: 0 };
  let slowest = 0;
  const t0 = performance.now();
  for (let i = 0; i < CASES; i++) {
    const seed = (0x51ed270b ^ Math.imul(i + 1, 2654435761)) >>> 0;
    const t = performance.now();
    try {
      counts[run(new Rand(seed)) as "accepted" | "rejected"]++;
    } catch (err) {
      if (!(err instanceof FuzzFailure)) throw err;
      counts[err.kind === "crash" ? "crashes" : "silent acceptances"]++;
      if (counts.crashes + counts["silent acceptances"] <= 5)
        console.log(
          `  ${name} seed ${seed}: ${err.message.split("\n")[0]}\n    input: ${JSON.stringify(err.input.slice(0, 300))}`,
        );
    }
    if ((i + 1) % 5000 === 0 && i + 1 < CASES)
      console.log(`  ${name}: ${i + 1} cases so far — ${JSON.stringify(counts)}`);
    const ms = performance.now() - t;
    if (ms > slowest) slowest = ms;
    if (ms > HANG_MS) {
      counts.hangs++;
      console.log(`  ${name} seed ${seed}: took ${ms.toFixed(0)} ms`);
    }
  }
  bad += counts.crashes + counts["silent acceptances"] + counts.hangs;
  const list = Object.entries(counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  console.log(
    `${name}: ${CASES} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s — ${list}; slowest ${slowest.toFixed(1)} ms`,
  );
}
cleanupFuzzFiles();
process.exitCode = bad ? 1 : 0;
