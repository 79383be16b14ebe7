/**
 * Review app speed (issue 19): open a 100,000-item run (5 criteria with a rationale and a
 * quote each; rows with a prompt and an ~800-character response) until its first item is
 * rendered in the npm-installed Chromium, move between items by key press while the rest is
 * indexed and after, and save labels over HTTP as the page does.
 * Run: npm run bench review   (ITEMS=… to change the size)
 */

import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser } from "../tests/helpers/browser.js";

const N = Number(process.env.ITEMS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "rulers-review-bench-"));
const words =
  "the patient should take the medicine with food and see a doctor if symptoms persist for more than a week".split(" ");
const text = (i: number, n: number) =>
  Array.from({ length: n }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(" ");
const runPath = join(dir, "run.jsonl");
const rowsPath = join(dir, "rows.jsonl");
// written 1,000 lines at a time, so the benchmark process stays small while the server runs
const runFd = openSync(runPath, "w");
const rowsFd = openSync(rowsPath, "w");
let run: string[] = [];
let rows: string[] = [];
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
  if (run.length === 1000 || i === N - 1) {
    writeSync(runFd, `${run.join("\n")}\n`);
    writeSync(rowsFd, `${rows.join("\n")}\n`);
    run = [];
    rows = [];
  }
}
closeSync(runFd);
closeSync(rowsFd);
const mb = (p: string) => (statSync(p).size / 1e6).toFixed(0);

// The machine's floor: reading both files into memory, nothing else (shared, loaded VMs are slow here).
const f0 = performance.now();
readFileSync(runPath);
readFileSync(rowsPath);
const floor = performance.now() - f0;

// The server is the compiled CLI in its own process, as users run it; the browser is launched
// first, so the open time is the app's: process start → first item rendered in Chromium.
const browser = await launchBrowser();
const page = await browser.newPage();
const t0 = performance.now();
const child = spawn(
  process.execPath,
  [
    "bin/rulers.js",
    "review",
    "--run",
    runPath,
    "--input",
    rowsPath,
    "--labels",
    join(dir, "labels.jsonl"),
    "--rater",
    "bench",
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
let out = "";
const url = await new Promise<string>((resolve, reject) => {
  child.stdout.on("data", (d) => {
    out += d;
    const m = /open (http:\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  child.on("exit", (code) => reject(new Error(`rulers review exited with ${code}: ${out}`)));
});
const indexed = new Promise<number>((resolve) => {
  const check = () => {
    if (/indexed \d+ items/.test(out)) resolve(performance.now() - t0);
  };
  child.stdout.on("data", check);
  check();
});
const listening = performance.now() - t0;
await page.goto(url);
await page.waitForSelector("body[data-ready='0']");
const open = performance.now() - t0;
const atOpen = usage();
// the page's own clock: navigation start → first item built
const inBrowser = (await page.evaluate(
  () => performance.getEntriesByName("review:first-item")[0]?.startTime,
)) as number;
const indexingShown = ((await page.locator("#indexing").textContent()) ?? "").startsWith("indexing the run");
function usage() {
  const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)![1]) / 1000;
  return { cpu: ((Number(stat[11]) + Number(stat[12])) * 1000) / 100, rss: kb("VmRSS"), peak: kb("VmHWM") };
}

// moves in run order while the rest is indexed: key press → next item rendered in the page
const press = async (n: number, out: number[]) => {
  for (let i = 0; i < n; i++) {
    const at = Number(await page.locator("body").getAttribute("data-ready"));
    const s = performance.now();
    await page.keyboard.press("j");
    await page.waitForSelector(`body[data-ready='${at + 1}']`);
    out.push(performance.now() - s);
  }
};
const during: number[] = [];
await press(40, during);
const indexTime = await indexed;
const atIndexed = usage();

// after indexing: stratified order jumps all over both files
await page.waitForSelector("#mode option[value='stratified']:not([disabled])", { state: "attached" });
await page.selectOption("#mode", "stratified");
await page.waitForSelector("body[data-ready='0']");
const after: number[] = [];
await press(200, after);

const base = new URL(url);
const token = base.searchParams.get("token")!;
const order = (
  (await (
    await fetch(new URL("/api/order?mode=stratified&seed=1", base), { headers: { "x-review-token": token } })
  ).json()) as { order: number[] }
).order;
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
// the page's own measure of each move: key handler to the item's DOM built (fetch or cache included)
const inPage = (await page.evaluate(() =>
  performance.getEntriesByName("review:show").map((e) => e.duration),
)) as number[];
const inPageDuring = inPage.slice(1, 41);
const inPageAfter = inPage.slice(-200);
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;
console.log(
  `review: ${N} items (run ${mb(runPath)} MB, rows ${mb(rowsPath)} MB); load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n` +
    `  open (\`rulers review\` started → first item rendered in Chromium): ${ms(open)} (target < 2000 ms); URL printed after ${ms(listening)}, then navigation start → first item built ${ms(inBrowser)} by the page's clock; server CPU (user+sys) to the first item ${ms(atOpen.cpu)}; indexing shown in the page: ${indexingShown}\n` +
    `  next item while indexing (key press → rendered): median ${ms(q(during, 0.5))}, p95 ${ms(q(during, 0.95))}; ` +
    `in the page (key → DOM): median ${q(inPageDuring, 0.5).toFixed(1)} ms, p95 ${q(inPageDuring, 0.95).toFixed(1)} ms\n` +
    `  whole index done ${ms(indexTime)} after start; server CPU to then ${ms(atIndexed.cpu)} (user+sys); reading the two files alone takes ${ms(floor)} here\n` +
    `  next item after indexing, stratified order (key press → rendered): median ${q(after, 0.5).toFixed(1)} ms, p95 ${q(after, 0.95).toFixed(1)} ms (target < 50 ms); ` +
    `in the page (key → DOM): median ${q(inPageAfter, 0.5).toFixed(1)} ms, p95 ${q(inPageAfter, 0.95).toFixed(1)} ms\n` +
    `  save a label (journal fsync + labels file rewrite): median ${q(save, 0.5).toFixed(1)} ms, p95 ${q(save, 0.95).toFixed(1)} ms\n` +
    `  server process: rss ${atIndexed.rss.toFixed(0)} MB when indexed, ${usage().rss.toFixed(0)} MB at the end, peak ${usage().peak.toFixed(0)} MB (the browser runs in its own processes)`,
);
await browser.close();
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
else console.log(dir);
