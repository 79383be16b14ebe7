const fs = require("fs");
const { SourceMapConsumer } = require("source-map-js");
const dir = process.argv[2];
const fns = new Set(process.argv.slice(3));
const map = new SourceMapConsumer(JSON.parse(fs.readFileSync("/work/main/dist/cli/commands/judge.cjs.map", "utf8")));
const f = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
const p = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
const interval = (p.endTime - p.startTime) / p.samples.length;
const lines = new Map();
for (const n of p.nodes) {
  if (!fns.has(n.callFrame.functionName) || !n.callFrame.url.endsWith("judge.cjs")) continue;
  for (const t of n.positionTicks ?? []) {
    const o = map.originalPositionFor({ line: t.line, column: 0 });
    const k = `${n.callFrame.functionName} ${(o.source || "?").replace(/^.*src\//, "")}:${o.line}`;
    lines.set(k, (lines.get(k) ?? 0) + t.ticks);
  }
}
for (const [k, v] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(((v * interval) / 1000).toFixed(1).padStart(7), k);
