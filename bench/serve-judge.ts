/**
 * The serve benchmark's judge, in its own process: answers every request validly after DELAY_MS,
 * meeting every criterion when the judged response says "good" and none otherwise, so the
 * benchmark can check each reward it gets back. Prints its base URL; reports its CPU on SIGTERM.
 */
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { startFakeOpenAI } from "../tests/helpers/fake-openai.js";
import { answerFor } from "../tests/helpers/scripted-judge.js";

const delay = Number(process.env.DELAY_MS ?? 50);
// The judge's own stalls (a late timer, a GC pause) add to every call it answers: the server's
// latency overhead is only what is left after them, so the benchmark reports them.
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
let gcMs = 0;
let gcMaxMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcMaxMs = Math.max(gcMaxMs, e.duration);
  }
}).observe({ entryTypes: ["gc"] });
const server = await startFakeOpenAI(
  (r) => {
    const json = answerFor(r.body, {
      decide: (_id, values, inputs) => {
        const good = (inputs.response ?? "").includes("good");
        if (values.includes("met")) return good ? "met" : "unmet";
        const levels = values.map(Number);
        return good ? Math.max(...levels) : Math.min(...levels);
      },
    });
    return { delayMs: delay, reply: { json } };
  },
  { keepRequests: false },
);
process.stdout.write(`${server.baseURL}\n`);
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage();
  process.stderr.write(
    `  judge process: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU for ${server.received} requests; event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms; GC ${gcMs.toFixed(0)} ms, longest pause ${gcMaxMs.toFixed(1)} ms\n`,
  );
  void server.close().then(() => process.exit(0));
});
