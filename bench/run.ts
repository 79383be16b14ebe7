/**
 * `npm run bench [name…]`: runs every bench/*.bench.ts (or the named ones) one after another,
 * each in its own process so one benchmark's heap never skews the next.
 */

import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  // A name picks its own file when there is one (`import` is not also `import-cost`), else a prefix.
  .filter((f, _, all) =>
    wanted.length === 0
      ? true
      : wanted.some((w) => (all.includes(`${w}.bench.ts`) ? f === `${w}.bench.ts` : f.startsWith(w))),
  )
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", join(here, file)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
