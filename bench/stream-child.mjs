// Runs `rulers <args>` from dist/ in this process and reports, on fd 3, what the run cost:
// peak RSS (getrusage), CPU, and the time spent in garbage collection (perf_hooks "gc" entries).
import { writeSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import { main } from "../dist/cli/main.js";

let gcMs = 0;
let gcCount = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
  }
});
obs.observe({ entryTypes: ["gc"] });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const code = await main(process.argv.slice(2));
const cpu = process.cpuUsage(cpu0);
await new Promise((r) => setTimeout(r, 50)); // let the last gc entries arrive
obs.disconnect();
writeSync(
  3,
  `${JSON.stringify({
    code,
    wall_ms: performance.now() - t0,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    gc_ms: gcMs,
    gc_count: gcCount,
    max_rss_mb: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
process.exitCode = code;
