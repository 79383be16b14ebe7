/**
 * Report speed (issues 6 and 19): a report for a 50,000-item run (10 criteria, a quote each) with
 * labels, built and rendered on the compiled dist/: time and file size.
 * Run: npm run bench report
 */
import { loadavg } from "node:os";
import { buildReport, renderHtml } from "../dist/report/index.js";

const N = 50_000;
// Quotes of varied words (a 5,000-word vocabulary, seeded): near-identical quotes compress far
// better than real ones and would flatter the file size.
const vocab = Array.from({ length: 5000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36).slice(0, 3 + (i % 7)));
let state = 1;
const rnd = () => {
  state = (state * 1103515245 + 12345) >>> 0;
  return state / 2 ** 32;
};
const phrase = (n: number) => Array.from({ length: n }, () => vocab[Math.floor(rnd() * vocab.length)]).join(" ");
const records = Array.from({ length: N }, (_, i) => ({
  item_id: `item-${i}`,
  bundle: { id: "bench", version: "1.0.0", hash: `sha256:${"0".repeat(64)}` },
  judge: { model: "m", temperature: 0, samples: 1 },
  scale: { kind: "numeric", min: 1, max: 6, step: 1 },
  usage: { prompt_tokens: 900, completion_tokens: 300 },
  latency_ms: 800,
  raw_score: 1 + (i % 6),
  flags: [],
  criteria: Array.from({ length: 10 }, (_, c) => ({
    id: `c${c}`,
    verdict: (i + c) % 3 ? "met" : "unmet",
    rationale: "because",
    evidence: [
      {
        quote: phrase(10),
        verified: (i + c) % 7 !== 0,
        input: "essay",
        start: c * 40,
        end: c * 40 + 30,
        match: "exact",
      },
    ],
  })),
}));
const labels = new Map(records.map((r, i) => [r.item_id, 1 + ((i * 7) % 6)]));
// Wall time is inflated on a shared machine; CPU time (user+sys) is what load barely changes.
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const t0 = performance.now();
const c0 = process.cpuUsage();
const data = buildReport({ records, runFile: "run.jsonl", labels, resamples: 1000 });
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
const html = renderHtml(data);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(
  `report: ${N} items, 10 criteria each, labels + 1,000 bootstrap resamples (load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}):\n` +
    `  build + render ${ms.toFixed(0)} ms wall, ${cpuMs(cpu).toFixed(0)} ms CPU (target < 5000 ms): ` +
    `buildReport ${(t1 - t0).toFixed(0)} ms wall / ${cpuMs(c1).toFixed(0)} ms CPU, renderHtml ${(ms - (t1 - t0)).toFixed(0)} ms wall / ${(cpuMs(cpu) - cpuMs(c1)).toFixed(0)} ms CPU\n` +
    `  ${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB (target < 5 MB, charting library included); peak RSS ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB`,
);
