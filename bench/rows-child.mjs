// Reads one rows file through dist/rows (as `rulers judge --input` does) and reports, on fd 3,
// rows read, wall and CPU time, and peak RSS of this process.
import { readFileSync, writeSync } from "node:fs";
import { openRows } from "../dist/rows/index.js";

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const source = await openRows(process.argv[2]);
let rows = 0;
let bad = 0;
let chars = 0;
for await (const r of source) {
  if (r.message !== undefined) bad++;
  else {
    rows++;
    chars += r.value.response.length;
  }
}
const cpu = process.cpuUsage(cpu0);
writeSync(
  3,
  `${JSON.stringify({
    rows,
    bad,
    chars,
    wall_ms: performance.now() - t0,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    max_rss_mb: peakRssMb(),
  })}\n`,
);

/**
 * This process's own peak RSS. On Linux `resourceUsage().maxRSS` carries over the parent's RSS
 * at the fork before exec, so a parent that had just written a million rows would be counted;
 * VmHWM is the peak of this process's own memory.
 */
function peakRssMb() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}
