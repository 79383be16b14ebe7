/**
 * The language server as an editor sees it: `node bin/rulers.js lsp` (the compiled dist/) over
 * stdio, driven by vscode-languageserver-protocol. On a 200-criterion rubric:
 *   1. latency from sending an edit to receiving its diagnostics, with no debounce (the compile
 *      and round trip alone) and with the default debounce;
 *   2. the server's resident memory over 10,000 edits, each waited for (every edit compiled), on
 *      a 20-criterion rubric so the run takes minutes (LSP_BENCH_RSS_CRITERIA=200 for the big one).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import {
  createProtocolConnection,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import { DEFAULT_DEBOUNCE_MS } from "../dist/lsp/server.js";

const CRITERIA = 200;
const EDITS = Number(process.env.LSP_BENCH_EDITS ?? 10_000);
/** The memory run compiles every one of its edits; a smaller rubric keeps it to minutes. */
const RSS_CRITERIA = Number(process.env.LSP_BENCH_RSS_CRITERIA ?? 20);

function bigRubric(criteria: number): string {
  const out = [
    "rubric bench.lsp version 1.0.0",
    'input prompt "The question"',
    'input response "The answer", quotable',
    "scale 1 to 5",
    "",
  ];
  for (let s = 0; s < criteria / 20; s++) {
    out.push(`section "Part ${s + 1}"`);
    for (let j = 0; j < 20; j++) {
      const i = s * 20 + j;
      out.push(
        `  criterion c${i} "Criterion ${i}"`,
        `    "The response handles aspect ${i} of the question accurately and completely."`,
        "    levels",
        '      1 "misses it"',
        '      2 "touches on it"',
        '      3 "handles it fully"',
        "    end",
        `    weight ${1 + (i % 4)}`,
        "    evidence at least 1 quote from response, at most 40 words",
        "  end",
        "",
      );
    }
    out.push("end", "");
  }
  out.push(
    "gate g1",
    "  when c0 level below 2 and c1 level below 2",
    "  cap score at 2",
    "end",
    "",
    "aggregate weighted mean",
  );
  return `${out.join("\n")}\n`;
}

/** User + system CPU the process has used, in ms (Linux clock ticks are 10 ms). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function session(debounce: number, criteria: number) {
  const child = spawn(process.execPath, ["bin/rulers.js", "lsp", "--debounce", String(debounce)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiting = new Map<number, (p: PublishDiagnosticsParams) => void>();
  conn.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
    if (p.version !== undefined) waiting.get(p.version)?.(p);
  });
  conn.listen();
  await conn.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
  await conn.sendNotification("initialized", {});
  const uri = "file:///tmp/bench-lsp.rubric";
  const text = bigRubric(criteria);
  const lines = text.split("\n");
  const weightLine = lines.findIndex((l) => l.includes("weight"));
  let version = 1;
  const diagnostics = (v: number) => new Promise<PublishDiagnosticsParams>((r) => waiting.set(v, r));
  const opened = diagnostics(1);
  await conn.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "rubric", version, text } });
  const first = await opened;
  if (first.diagnostics.length)
    throw new Error(`the bench rubric has problems: ${String(first.diagnostics[0]!.message)}`);
  /** Rewrites the first criterion's weight digit, alternating 1 and 2: every edit changes meaning. */
  const edit = async () => {
    version++;
    const got = diagnostics(version);
    const t = performance.now();
    const col = lines[weightLine]!.indexOf("weight") + 7;
    await conn.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [
        {
          range: { start: { line: weightLine, character: col }, end: { line: weightLine, character: col + 1 } },
          text: String(1 + (version % 2)),
        },
      ],
    });
    const p = await got;
    waiting.delete(version);
    if (p.diagnostics.length) throw new Error(String(p.diagnostics[0]!.message));
    return performance.now() - t;
  };
  const close = async () => {
    await conn.sendRequest("shutdown");
    await conn.sendNotification("exit");
    conn.dispose();
  };
  return { edit, close, pid: child.pid!, text };
}

const fmt = (x: number) => x.toFixed(1);

const quick = await session(0, CRITERIA);
console.log(`rubric: ${CRITERIA} criteria, ${quick.text.split("\n").length} lines, ${quick.text.length} characters`);
for (let i = 0; i < 20; i++) await quick.edit(); // warm up the JIT
const lat: number[] = [];
const cpu0 = cpuOf(quick.pid);
for (let i = 0; i < 300; i++) lat.push(await quick.edit());
const cpuPerEdit = (cpuOf(quick.pid) - cpu0) / 300;
console.log(
  `edit → diagnostics, no debounce: median ${fmt(pct(lat, 0.5))} ms, p95 ${fmt(pct(lat, 0.95))} ms, max ${fmt(Math.max(...lat))} ms (300 edits)`,
);
console.log(
  `server CPU per edit: ${fmt(cpuPerEdit)} ms (what an edit costs on an idle core); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
);

console.log(`server RSS after ${320} edits of the ${CRITERIA}-criterion rubric: ${fmt(rssOf(quick.pid))} MB`);
await quick.close();

const long = await session(0, RSS_CRITERIA);
const rss: [number, number][] = [[0, rssOf(long.pid)]];
const t0 = performance.now();
for (let i = 1; i <= EDITS; i++) {
  await long.edit();
  if (i % (EDITS / 10) === 0) rss.push([i, rssOf(long.pid)]);
}
console.log(
  `${EDITS} edits of a ${RSS_CRITERIA}-criterion rubric in ${fmt((performance.now() - t0) / 1000)} s; server RSS (MB) after n edits:`,
);
console.log(rss.map(([n, m]) => `  ${String(n).padStart(6)}: ${fmt(m)}`).join("\n"));
await long.close();

const debounced = await session(DEFAULT_DEBOUNCE_MS, CRITERIA);
for (let i = 0; i < 20; i++) await debounced.edit();
const dl: number[] = [];
for (let i = 0; i < 100; i++) dl.push(await debounced.edit());
console.log(
  `edit → diagnostics, default ${DEFAULT_DEBOUNCE_MS} ms debounce: median ${fmt(pct(dl, 0.5))} ms, p95 ${fmt(pct(dl, 0.95))} ms (100 edits)`,
);
await debounced.close();
