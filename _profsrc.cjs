const fs = require("fs");
const { SourceMapConsumer } = require("source-map-js");
const dir = process.argv[2];
const map = new SourceMapConsumer(JSON.parse(fs.readFileSync("/work/main/dist/cli/commands/judge.js.map", "utf8")));
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
  const p = JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const byFile = new Map(), byFn = new Map();
  for (const [id, t] of dt) {
    const cf = nodes.get(id).callFrame;
    if (!cf.url.endsWith("commands/judge.js")) continue;
    const o = map.originalPositionFor({ line: cf.lineNumber + 1, column: cf.columnNumber });
    const file = (o.source || "?").replace(/^.*src\//, "");
    byFile.set(file, (byFile.get(file) ?? 0) + t);
    const k = `${cf.functionName} ${file}:${o.line}`;
    byFn.set(k, (byFn.get(k) ?? 0) + t);
  }
  let tot = 0; for (const v of byFile.values()) tot += v;
  console.log("judge.js total", (tot / 1000).toFixed(1));
  for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log((v / 1000).toFixed(1).padStart(7), k);
  console.log("--");
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 40))) console.log((v / 1000).toFixed(1).padStart(7), k);
}
