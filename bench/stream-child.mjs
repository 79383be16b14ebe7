// Runs `rulers <args>` from dist/ in this process and reports, on fd 3, what the run cost:
// peak RSS (getrusage), CPU, the time spent in garbage collection (perf_hooks "gc" entries), and
// the heap in use just after each full collection (what the run keeps alive, first and last).
import { writeSync } from "node:fs";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { main } from "../dist/cli/main.js";

let gcMs = 0;
let gcCount = 0;
const liveAfterMajor = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
    if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) liveAfterMajor.push(process.memoryUsage().heapUsed);
  }
});
obs.observe({ entryTypes: ["gc"] });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const code = await main(process.argv.slice(2));
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - t0;
await new Promise((r) => setTimeout(r, 50)); // let the last gc entries arrive
obs.disconnect();
const mb = (b) => (b === undefined ? null : b / 1e6);
writeSync(
  3,
  `${JSON.stringify({
    code,
    wall_ms: wall,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    gc_ms: gcMs,
    gc_count: gcCount,
    major_gcs: liveAfterMajor.length,
    live_first_mb: mb(liveAfterMajor[0]),
    live_last_mb: mb(liveAfterMajor.at(-1)),
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
process.exitCode = code;
