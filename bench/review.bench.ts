/**
 * Review app speed (issue 19): open a 100,000-item run (5 criteria with a rationale and a
 * quote each; rows with a prompt and an ~800-character response) until the first item is on
 * the wire, then move between items and save labels over HTTP, as the page does.
 * Run: npm run bench review   (ITEMS=… to change the size)
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReviewSession, startReviewServer } from "../dist/review/index.js";

const N = Number(process.env.ITEMS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "rulers-review-bench-"));
const words =
  "the patient should take the medicine with food and see a doctor if symptoms persist for more than a week".split(" ");
const text = (i: number, n: number) =>
  Array.from({ length: n }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(" ");
const run: string[] = [];
const rows: string[] = [];
for (let i = 0; i < N; i++) {
  const response = text(i, 150);
  rows.push(JSON.stringify({ id: `item-${i}`, prompt: text(i + 1, 35), response }));
  run.push(
    JSON.stringify({
      item_id: `item-${i}`,
      bundle: { id: "bench", version: "1.0.0", hash: `sha256:${"0".repeat(64)}` },
      judge: { model: "m", temperature: 0, samples: 1 },
      scale: { kind: "numeric", min: 1, max: 6, step: 1 },
      usage: { prompt_tokens: 900, completion_tokens: 300 },
      latency_ms: 800,
      raw_score: 1 + (i % 6),
      flags: [],
      criteria: Array.from({ length: 5 }, (_, c) => ({
        id: `c${c}`,
        verdict: (i + c) % 3 ? "met" : "unmet",
        rationale: text(i + c, 25),
        evidence: [
          {
            quote: response.slice(c * 40, c * 40 + 30),
            verified: true,
            input: "response",
            start: c * 40,
            end: c * 40 + 30,
            match: "exact",
          },
        ],
      })),
    }),
  );
}
const runPath = join(dir, "run.jsonl");
const rowsPath = join(dir, "rows.jsonl");
writeFileSync(runPath, `${run.join("\n")}\n`);
writeFileSync(rowsPath, `${rows.join("\n")}\n`);
run.length = 0;
rows.length = 0;
const mb = (p: string) => (statSync(p).size / 1e6).toFixed(0);

// The machine's floor: reading both files into memory, nothing else (shared, loaded VMs are slow here).
const f0 = performance.now();
readFileSync(runPath);
readFileSync(rowsPath);
const floor = performance.now() - f0;

const t0 = performance.now();
const session = ReviewSession.open({
  run: runPath,
  input: rowsPath,
  labels: join(dir, "labels.jsonl"),
  rater: "bench",
});
session.start();
const server = await startReviewServer(session);
const base = new URL(server.url);
const token = base.searchParams.get("token")!;
const get = async (path: string) => {
  const r = await fetch(new URL(path, base), { headers: { "x-review-token": token } });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return path === "/" ? r.text() : r.json();
};
await get("/");
await get("/api/meta");
const { order } = (await get("/api/order?mode=stratified&seed=1")) as { order: number[] };
await get(`/api/items/${order[0]}`);
const open = performance.now() - t0;

const nav: number[] = [];
for (let i = 1; i <= 300; i++) {
  const s = performance.now();
  await get(`/api/items/${order[i]}`);
  nav.push(performance.now() - s);
}
const save: number[] = [];
for (let i = 0; i < 100; i++) {
  const s = performance.now();
  const r = await fetch(new URL("/api/labels", base), {
    method: "POST",
    headers: { "x-review-token": token, "content-type": "application/json" },
    body: JSON.stringify({ item_id: `item-${order[i]}`, label: 1 + (i % 6) }),
  });
  if (!r.ok) throw new Error(await r.text());
  save.push(performance.now() - s);
}
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
console.log(
  `review: ${N} items (run ${mb(runPath)} MB, rows ${mb(rowsPath)} MB): open to first item ${open.toFixed(0)} ms (target < 2000 ms; reading the two files alone takes ${floor.toFixed(0)} ms here); ` +
    `next item median ${q(nav, 0.5).toFixed(1)} ms, p95 ${q(nav, 0.95).toFixed(1)} ms (target < 50 ms); ` +
    `save a label (journal fsync + labels file rewrite) median ${q(save, 0.5).toFixed(1)} ms, p95 ${q(save, 0.95).toFixed(1)} ms; ` +
    `heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
);
await server.close();
session.close();
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
else console.log(dir);
